"""The JSON API (OpenAPI at /api/v1/docs): the same operations as the pages, through the same
selectors and services, so scope, roles, masking and audit are the same."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema, Status

from qingji.accounts.http import AuthedRequest
from qingji.accounts.roles import has_capability
from qingji.api.auth import AUTH
from qingji.ledger.models import Case, WorkKind
from qingji.ledger.selectors import get_visible_case, visible_cases, visible_unit_ids
from qingji.ledger.services import work_log_add
from qingji.ledger.vocabulary import Vocabulary
from qingji.lib.pii import mask_id_number, mask_phone
from qingji.organisations.selectors import visible_orgs
from qingji.rules.selectors import RuleBook
from qingji.web.views_helpers import require_capability

api = NinjaAPI(title="qingji API", version="1", auth=AUTH, urls_namespace="api", docs_decorator=login_required)
MAX_PAGE_SIZE = 200


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("The request has errors."), "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Your role does not allow this.")}, status=403)


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    superior: str | None
    region_code: str


class PetitionerOut(Schema):
    name: str
    id_number: str
    phone: str


class CaseOut(Schema):
    id: int
    ledger_no: str
    petitioners: list[PetitionerOut]
    summary: str
    category: str | None  # the label, by the handling unit's rules
    category_code: str | None
    source: str  # the code
    source_label: str
    status: str
    settlement_method: str
    handling_org: str
    registered_on: dt.date
    deadline: dt.date | None
    key_supervision: str
    flags: list[str]
    version: int


class WorkLogOut(Schema):
    id: int
    kind: str
    date: dt.date
    participants: str
    content: str


class CaseDetailOut(CaseOut):
    lead_official: str | None
    plan: str
    goal: str
    work_log: list[WorkLogOut]


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseOut]


class WorkLogIn(Schema):
    kind: WorkKind
    date: dt.date
    participants: str = ""
    content: str


def _case_out(case: Case, vocabulary: Vocabulary) -> dict[str, Any]:
    return {
        "id": case.pk, "ledger_no": case.ledger_no, "summary": case.summary,
        "petitioners": [{"name": p.name, "id_number": mask_id_number(p.id_number), "phone": mask_phone(p.phone)}
                        for p in case.petitioners.all()],
        "category": vocabulary.category_label(case) or None,
        "category_code": vocabulary.category_code(case.category_id),
        "source": case.source, "source_label": vocabulary.source_label(case),
        "status": case.status, "settlement_method": case.settlement_method,
        "handling_org": case.handling_org.code, "registered_on": case.registered_on, "deadline": case.deadline,
        "key_supervision": case.key_supervision, "flags": [f for f in Case.FLAGS if getattr(case, f)],
        "version": case.version,
    }


@api.get("/orgs", response=list[OrgOut], summary="Units in my scope")
def list_orgs(request: AuthedRequest) -> list[dict[str, Any]]:
    return [
        {"code": o.code, "name": o.name, "kind": o.kind, "level": o.level, "region_code": o.region_code,
         "superior": o.superior.code if o.superior else None}
        for o in visible_orgs(request.user).select_related("superior")
    ]


@api.get("/cases", response=CasePage, summary="The ledger: cases in my scope, filtered as on the ledger page")
def list_cases(request: AuthedRequest, page: int = 1, page_size: int = Query(50, le=MAX_PAGE_SIZE, ge=1)) -> dict:
    from qingji.ledger.filters import apply_ledger_filters

    require_capability(request, "case.view")
    book = RuleBook()
    queryset = apply_ledger_filters(visible_cases(request.user), request.GET, book=book)
    count = queryset.count()
    page = max(page, 1)
    rows = (queryset.select_related("handling_org").prefetch_related("petitioners")
            [(page - 1) * page_size: page * page_size])
    vocabulary = Vocabulary(book)
    return {"count": count, "page": page, "page_size": page_size,
            "results": [_case_out(c, vocabulary) for c in rows]}


@api.get("/cases/{case_id}", response=CaseDetailOut, summary="One case (404 outside my scope)")
def get_case(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    case = get_visible_case(request.user, case_id)
    responsibility = getattr(case, "responsibility", None)
    return {
        **_case_out(case, Vocabulary()),
        "lead_official": str(responsibility.lead_official) if responsibility and responsibility.lead_official else None,
        "plan": responsibility.plan if responsibility else "", "goal": responsibility.goal if responsibility else "",
        "work_log": list(case.work_log.values("id", "kind", "date", "participants", "content")),
    }


@api.post("/cases/{case_id}/work-log", response={201: WorkLogOut}, summary="Record work on a case")
def add_work_log(request: AuthedRequest, case_id: int, payload: WorkLogIn) -> Status:
    case = get_visible_case(request.user, case_id)
    entry = work_log_add(actor=request.user, case=case, kind=payload.kind, date=payload.date,
                         participants=payload.participants, content=payload.content)
    return Status(201, entry)


@api.get("/reports/summary", summary="The summary report for my scope (spec/summary-report.md)")
def report_summary(request: AuthedRequest, as_of: dt.date | None = None, campaign: str | None = None) -> dict:
    from qingji.campaigns.selectors import get_visible_campaign
    from qingji.reports.selectors import summary

    if not has_capability(request.user, "report.view"):
        raise PermissionDenied(_("Your role does not allow this."))
    # A campaign outside the scope is 404, as its page is (and as the report page answers for it).
    chosen = get_visible_campaign(request.user, campaign) if campaign else None
    return summary(org=request.user.org, campaign=chosen, as_of=as_of, units=visible_unit_ids(request.user))


def _add_routers() -> None:
    """Each part's own endpoints, on the same API (same authentication and error handling)."""
    from qingji.campaigns.api import router as campaigns
    from qingji.lifecycle.api import router as lifecycle
    from qingji.rules.api import router as rules

    api.add_router("/", lifecycle)
    api.add_router("/", rules)
    api.add_router("/", campaigns)


_add_routers()
