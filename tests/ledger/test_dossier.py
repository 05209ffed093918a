import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qingji.audit.models import AuditEntry
from qingji.ledger.models import CaseStatus, WorkLogEntry
from tests.ledger.factories import make_case


def test_it_masks_the_petitioners_id_number(client, users, city):
    case = make_case(city["QH-QY-FY"], name="王芳")
    full = case.petitioners.get().id_number
    client.force_login(users["court_a"])
    body = client.get(reverse("ledger:detail", args=[case.pk])).content.decode()
    assert full not in body and f"{full[:6]}********{full[-4:]}" in body


def test_it_records_work_through_htmx_and_shows_it_in_the_timeline(client, users, city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS)
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:add_work_log", args=[case.pk]), {
        "kind": "home_visit", "date": str(dt.date.today()), "participants": "卫晓明", "content": "上门走访，释法说理",
    }, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "上门走访，释法说理" in response.content.decode()
    assert WorkLogEntry.objects.filter(case=case, kind="home_visit").exists()


def test_it_refuses_a_future_date_with_a_message_and_writes_nothing(client, users, city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS)
    client.force_login(users["court_a"])
    response = client.post(reverse("ledger:add_work_log", args=[case.pk]), {
        "kind": "reception", "date": str(dt.date.today() + dt.timedelta(days=2)), "content": "x",
    }, HTTP_HX_REQUEST="true")
    assert "未来" in response.content.decode()
    assert not WorkLogEntry.objects.filter(case=case).exists()


def test_it_refuses_a_file_whose_content_is_not_what_its_name_says(client, users, city):
    case = make_case(city["QH-QY-FY"])
    client.force_login(users["court_a"])
    fake = SimpleUploadedFile("保证书.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(reverse("ledger:add_attachment", args=[case.pk]), {"kind": "pledge", "file": fake},
                           HTTP_HX_REQUEST="true")
    assert not case.attachments.exists()
    assert "PDF" in response.content.decode()


def test_it_serves_an_attachment_only_through_the_scoped_view_and_audits_it(client, users, city):
    case = make_case(city["QH-QY-FY"])
    client.force_login(users["court_a"])
    client.post(reverse("ledger:add_attachment", args=[case.pk]),
                {"kind": "pledge", "file": SimpleUploadedFile("保证书.pdf", b"%PDF-1.4\n%%EOF\n")})
    attachment = case.attachments.get()
    assert attachment.file.name.startswith("attachments/") and "保证书" not in attachment.file.name
    response = client.get(reverse("ledger:attachment", args=[case.pk, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.order_by("-seq").first().action == "case.attachment_download"
    client.force_login(users["outsider"])
    assert client.get(reverse("ledger:attachment", args=[case.pk, attachment.pk])).status_code == 404


def test_it_refuses_a_stale_save_and_shows_what_changed(client, users, city):
    case = make_case(city["QH-QY-FY"], summary="原始事项")
    client.force_login(users["court_a"])
    form = {"handling_org": city["QH-QY-FY"].pk, "summary": "我的修改", "source": case.source,
            "registered_on": str(case.registered_on), "version": case.version}
    from qingji.ledger.services import case_update

    case_update(actor=None, case=case, expected_version=case.version, summary="别人的修改")
    response = client.post(reverse("ledger:edit", args=[case.pk]), form)
    body = response.content.decode()
    assert response.status_code == 200 and "别人的修改" in body
    case.refresh_from_db()
    assert case.summary == "别人的修改"


def test_it_assigns_responsibility_and_puts_the_case_in_progress(client, users, city):
    case = make_case(city["QH-QY-FY"])
    lead = city["QH-QY-FY"].officials.get(name="陈家和")
    client.force_login(users["court_a_lead"])
    response = client.post(reverse("ledger:assign", args=[case.pk]), {
        "lead_official": lead.pk, "plan": "多次约访，释法说理", "deadline": "2030-01-31", "goal": "息诉罢访",
        "handlers": [city["QH-QY-FY"].officials.get(name="卫晓明").pk],
    })
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.deadline == dt.date(2030, 1, 31)
    assert case.responsibility.lead_official == lead
