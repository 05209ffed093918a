import re
from pathlib import Path

from django.urls import reverse

import qingji


def test_it_shows_the_unit_the_user_and_the_navigation_in_chinese(client, users):
    client.force_login(users["court_a"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "清源区人民法院" in page and "卫晓明" in page
    assert "工作台" in page and "退出" in page


def test_it_switches_to_english(client, users):
    client.force_login(users["court_a"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Dashboard" in page and "Sign out" in page
    assert "工作台" not in page


def test_no_template_loads_anything_from_another_host():
    external = re.compile(r"""(src|href)=["'](https?:)?//(?!127\.0\.0\.1|localhost)""")
    offenders = [
        str(path) for path in Path(qingji.__file__).parent.rglob("*.html")
        if "vendor" not in path.parts and external.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_vendored_assets_are_served_by_the_project(client, users):
    client.force_login(users["court_a"])
    page = client.get(reverse("web:dashboard")).content.decode()
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        response = client.get(asset)
        assert response.status_code == 200, asset


def test_every_page_names_its_icon_served_by_the_project(client):
    from django.contrib.staticfiles import finders

    body = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/qingji/favicon.svg" type="image/svg+xml">' in body
    assert finders.find("qingji/favicon.svg")
