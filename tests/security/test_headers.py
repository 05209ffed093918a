"""Security headers on every response: Content-Security-Policy (no inline scripts), frames refused, referrer."""

import re
from pathlib import Path

from django.urls import reverse

import qingji

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:", "font-src": "'self'", "connect-src": "'self'", "frame-ancestors": "'none'",
    "form-action": "'self'", "base-uri": "'self'", "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


def test_every_page_carries_the_content_security_policy(client, users, login):
    assert directives(client.get(reverse("web:login"))["Content-Security-Policy"]) == POLICY
    login(users["court_a"])
    for name in ("web:dashboard", "ledger:list", "reports:summary"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"]) == POLICY
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
    api = client.get("/api/v1/cases")
    assert "Content-Security-Policy" in api


def test_the_api_documentation_works_under_the_policy(client, users, login):
    login(users["committee"])
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY
    body = response.content.decode()
    # Swagger UI from qingji's own static files (no CDN), its settings as a JSON data block, no inline code.
    assert "cdn" not in body.lower()
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    root = Path(qingji.__file__).parent
    offenders = []
    for template in root.glob("**/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{template.relative_to(root)}: {tag}")
        if re.search(r"<[^>]+\son[a-z]+\s*=", text) or "javascript:" in text:
            offenders.append(f"{template.relative_to(root)}: event handler or javascript: URL")
    assert not offenders, offenders
