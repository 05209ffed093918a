import datetime as dt

from qingji.api.services import api_token_create
from qingji.audit.models import AuditEntry
from qingji.ledger.models import CaseStatus
from tests.ledger.factories import make_case


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_it_refuses_calls_without_credentials(client, users):
    assert client.get("/api/v1/orgs").status_code == 401


def test_it_authenticates_a_bearer_token_and_scopes_like_the_pages(client, users):
    _token, secret = api_token_create(actor=None, user=users["court"], name="集成测试")
    codes = {o["code"] for o in client.get("/api/v1/orgs", **bearer(secret)).json()}
    assert codes == {"QH-ZY", "QH-QY-FY", "QH-HY-FY", "QH-AP-FY", "QH-YN-FY"}
    assert client.get("/api/v1/orgs", **bearer("qj_wrong")).status_code == 401


def test_it_masks_id_numbers_in_case_details_and_hides_other_units_cases(client, users, city):
    own = make_case(city["QH-QY-FY"], name="王芳", status=CaseStatus.IN_PROGRESS)
    other = make_case(city["BY-ZY"], name="赵强")
    client.force_login(users["court_a"])
    body = client.get(f"/api/v1/cases/{own.pk}").json()
    full = own.petitioners.get().id_number
    assert body["petitioners"][0]["id_number"] == full[:6] + "********" + full[-4:]
    assert body["status"] == "in_progress"
    assert client.get(f"/api/v1/cases/{other.pk}").status_code == 404


def test_it_records_work_through_the_service_with_an_audit_entry(client, users, city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS)
    _token, secret = api_token_create(actor=None, user=users["court_a"], name="t")
    response = client.post(f"/api/v1/cases/{case.pk}/work-log", {
        "kind": "reception", "date": str(dt.date.today()), "content": "接待信访人，释法说理",
    }, content_type="application/json", **bearer(secret))
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_name) == ("case.work_log", "court_a")


def test_it_explains_bad_input_in_chinese(client, users, city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS)
    client.force_login(users["court_a"])
    future = dt.date.today() + dt.timedelta(days=3)
    response = client.post(f"/api/v1/cases/{case.pk}/work-log", {
        "kind": "reception", "date": str(future), "content": "x",
    }, content_type="application/json")
    assert response.status_code == 400
    assert "未来" in str(response.json()["errors"])


def test_it_refuses_administrators_case_content(client, users, city, login):
    case = make_case(city["QH-QY-FY"], name="甲")
    for admin in ("sysadmin", "secadmin", "auditor"):
        client.logout()
        # Signed in with the two-factor step done: the refusal is for the role, not for a missing second factor.
        login(users[admin])
        assert client.get("/api/v1/orgs").status_code == 200
        listing = client.get("/api/v1/cases")
        assert listing.status_code == 403
        assert listing.json()["detail"] == "您的角色无权进行此操作。"
        # A case is outside every administrator's scope: not found, and nothing of it shown.
        detail = client.get(f"/api/v1/cases/{case.pk}")
        assert detail.status_code == 404 and "甲" not in detail.content.decode()


def test_the_schema_needs_a_signed_in_user_and_docs_load_no_external_asset(client, users):
    assert client.get("/api/v1/openapi.json").status_code == 302
    client.force_login(users["court_a"])
    assert "/api/v1/cases/{case_id}" in client.get("/api/v1/openapi.json").json()["paths"]
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in page.lower()
