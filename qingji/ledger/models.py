"""The ledger (台账): petitioners, cases, responsibility, work log, aid, attachments, status history."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingji.lib.pii import SealedCharField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Source(models.TextChoices):
    """The codes of the default sources (spec/ledger-template.md, in that order). Which sources a unit offers,
    and their labels, are the local rule `sources` (qingji/ledger/vocabulary.py); these English names show a
    default entry whose label is unchanged."""

    CENTRAL_COMMITTEE = "central_committee", _("Handed down by the central committee")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Handed down by the provincial committee")
    CITY_COMMITTEE = "city_committee", _("Handed down by the city committee")
    COUNTY_COMMITTEE = "county_committee", _("Handed down by the county committee")
    SUPERIOR_ORG = "superior_org", _("Handed down by a superior body")
    LEADER_INSTRUCTION = "leader_instruction", _("Leader's instruction")
    SELF_IDENTIFIED = "self_identified", _("Found in own screening")


class Stage(models.TextChoices):
    """涉及环节: where in the process the grievance arose."""

    FILING = "filing", _("Case filing")
    TRIAL = "trial", _("Trial")
    ENFORCEMENT = "enforcement", _("Enforcement")
    INVESTIGATION = "investigation", _("Investigation")
    PROCURATORIAL = "procuratorial", _("Procuratorial")
    JUDICIAL_ADMIN = "judicial_admin", _("Judicial administration")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED_SETTLED = "closed_settled", _("Closed and settled")
    CLOSED_UNSETTLED = "closed_unsettled", _("Closed, not settled")


OPEN_STATUSES = (CaseStatus.REGISTERED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED)
CLOSED_STATUSES = (CaseStatus.CLOSED_SETTLED, CaseStatus.CLOSED_UNSETTLED)


class SettlementMethod(models.TextChoices):
    WRITTEN_PLEDGE = "written_pledge", _("Written pledge to stop petitioning")
    TERMINATED = "terminated", _("Terminated with approval")
    OTHER = "other", _("Concluded in another way")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Category(models.Model):
    """问题类别: the code a case points to. Which categories are offered, in which order and with which labels, is
    the local rule `categories` (qingji/ledger/vocabulary.py); a code set there gets its row here, named by its
    first label (two units' rules may give different codes the same label)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Petitioner(models.Model):
    name = models.CharField(_("name"), max_length=100, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    id_number = SealedCharField(_("ID number"), blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    phone = SealedCharField(_("phone"), blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, editable=False)  # looked up with the name
    address = models.CharField(_("address"), max_length=255, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    group_size = models.PositiveIntegerField(_("number of petitioners"), default=1)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        # A plain index (a field's db_index would add a LIKE index on PostgreSQL, useless for a digest and
        # as costly to keep: every new petitioner goes to a random place in both).
        indexes = [models.Index(fields=["id_number_digest"], name="petitioner_id_digest_idx")]
        # An ID number is one person: one petitioner per digest (qingji merge-petitioners merges older data).
        constraints = [models.UniqueConstraint(fields=["id_number_digest"], condition=~Q(id_number_digest=""),
                                               name="petitioner_id_digest_unique")]

    def __str__(self) -> str:
        return self.name


CASE_FLAGS = ("beijing_petition", "provincial_petition", "repeat_petition", "cross_jurisdiction",
              "discipline_related", "group_petition")


class Case(models.Model):
    ledger_no = models.CharField(_("ledger number"), max_length=50, unique=True)
    petitioners: "models.ManyToManyField[Petitioner, CasePetitioner]" = models.ManyToManyField(
        Petitioner, through="CasePetitioner", related_name="cases",
                                         verbose_name=_("petitioners"))
    summary = models.TextField(_("petition matter"))
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cases", db_index=False)  # case_category_idx
    stage = models.CharField(_("stage involved"), max_length=20, choices=Stage.choices, blank=True)
    first_petitioned_on = models.DateField(_("first petitioned on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=30)  # a code of the local rule `sources`
    assigned_on = models.DateField(_("handed down on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"))
    key_supervision = models.CharField(_("key supervision by"), max_length=50, blank=True)
    handling_org = models.ForeignKey("organisations.Org", verbose_name=_("handling unit"),  # case_org_* indexes
                                     on_delete=models.PROTECT, related_name="cases", db_index=False)
    beijing_petition = models.BooleanField(_("petitioned in Beijing"), default=False)
    provincial_petition = models.BooleanField(_("petitioned at the province"), default=False)
    repeat_petition = models.BooleanField(_("repeat petition"), default=False)
    cross_jurisdiction = models.BooleanField(_("cross-jurisdiction"), default=False)
    discipline_related = models.BooleanField(_("discipline-related"), default=False)
    group_petition = models.BooleanField(_("group petition"), default=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices,
                              default=CaseStatus.REGISTERED, editable=False)
    settlement_method = models.CharField(_("settlement method"), max_length=20,
                                         choices=SettlementMethod.choices, blank=True, editable=False)
    status_since = models.DateField(_("status since"), editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    # Petitioner names, summary and docket numbers, kept by the services for text search.
    search_text = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    FLAGS = CASE_FLAGS

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["handling_org", "status"], name="case_org_status_idx"),
            models.Index(fields=["handling_org", "deadline"], name="case_org_deadline_idx"),
            models.Index(fields=["handling_org", "registered_on"], name="case_org_registered_idx"),
            models.Index(fields=["status", "deadline"], name="case_status_deadline_idx"),
            # The ledger's sorts by status and by ledger number (docs/performance.md).
            models.Index(fields=["status", "id"], name="case_status_id_idx"),
            models.Index(fields=["handling_org", "ledger_no"], name="case_org_ledger_no_idx"),
            models.Index(fields=["source"], name="case_source_idx"),
            models.Index(fields=["category"], name="case_category_idx"),
            models.Index(fields=["registered_on"], name="case_registered_idx"),
            # The reports join status periods, judicial aid, reviews and the work log to their cases for these
            # columns only: read from this narrow index, not from the wide rows (docs/performance.md).
            models.Index(fields=["id", "handling_org", "registered_on", "source", "deadline", "key_supervision",
                                 "category", *CASE_FLAGS], name="case_report_cover_idx"),
            models.Index(fields=["deadline"], name="case_deadline_idx"),
            models.Index(fields=["key_supervision"], name="case_key_supervision_idx",
                         condition=~Q(key_supervision="")),
            *[models.Index(fields=["handling_org"], name=f"case_flag_{flag[:12]}_idx", condition=Q(**{flag: True}))
              for flag in CASE_FLAGS],
        ]

    def __str__(self) -> str:
        return self.ledger_no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_settled(self) -> bool:
        return self.status == CaseStatus.CLOSED_SETTLED


def case_field_label(name: str) -> "StrOrPromise":
    """The verbose name of one of the case's own fields (a flag, for choices and messages); the field
    is looked up by name, where Django may also answer a relation, which has no verbose name."""
    field = Case._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"Case.{name} is not a field")
    return field.verbose_name


class CasePetitioner(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE)
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["case", "petitioner"], name="case_petitioner_unique")]


class MatterStage(models.TextChoices):
    """The procedural stage of an underlying matter (原案)."""

    FIRST_INSTANCE = "first_instance", _("First instance")
    APPEAL = "appeal", _("Appeal")
    RETRIAL = "retrial", _("Retrial")
    ENFORCEMENT = "enforcement", _("Enforcement")
    REVIEW = "review", _("Review")
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION_REVIEW = "prosecution_review", _("Review for prosecution")
    OTHER = "other", _("Other")


class UnderlyingMatter(models.Model):
    """原案: a court or police case behind the petition, identified by its docket number."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="matters")
    docket_number = models.CharField(_("docket number"), max_length=100, db_index=True)
    stage = models.CharField(_("stage"), max_length=20, choices=MatterStage.choices, blank=True)
    org = models.ForeignKey("organisations.Org", verbose_name=_("unit"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("underlying matter")
        verbose_name_plural = _("underlying matters")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "docket_number"], name="matter_unique_docket")]

    def __str__(self) -> str:
        return self.docket_number


class Responsibility(models.Model):
    """领导包案 / 五定一包: one named leader answers for the case, with plan, deadline and goal."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="responsibility")
    lead_official = models.ForeignKey("organisations.Official", verbose_name=_("lead official"),
                                      null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supervising_official = models.ForeignKey("organisations.Official", verbose_name=_("supervising official"),
                                             null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handlers = models.ManyToManyField("organisations.Official", verbose_name=_("handlers"), blank=True,
                                      related_name="handled_responsibilities")
    watch_officer = models.ForeignKey("organisations.Official", verbose_name=_("watch officer"),
                                      null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    head_of_unit = models.ForeignKey("organisations.Official", verbose_name=_("head of unit"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    plan = models.TextField(_("plan"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")

    def __str__(self) -> str:
        return f"{self.case}: {self.lead_official or ''}"


class WorkKind(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    APPOINTMENT = "appointment", _("Appointment")
    HOME_VISIT = "home_visit", _("Home visit")
    COORDINATION = "coordination", _("Coordination meeting")
    HEARING = "hearing", _("Public hearing")
    LAWYER = "lawyer", _("Lawyer participation")
    EXPERTS = "experts", _("Expert consultation")
    COUNSELLING = "counselling", _("Explaining the law / counselling")
    REVIEW = "review", _("File review")
    AID = "aid", _("Judicial aid")
    LEGAL_ACTION = "legal_action", _("Handled according to law")
    OTHER = "other", _("Other")


class WorkLogEntry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="work_log")
    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    date = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=255, blank=True)
    content = models.TextField(_("content"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log entries")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["case", "date"], name="worklog_case_date_idx"),
            # The summary's checkpoints read the entries dated between a checkpoint and the day asked.
            models.Index(fields=["date"], name="worklog_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class AidPayer(models.TextChoices):
    AID_FUND = "aid_fund", _("Judicial aid fund")
    UNIT_ADVANCE = "unit_advance", _("Advanced by the unit")


class JudicialAid(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aid")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"))
    payer = models.CharField(_("paid from"), max_length=20, choices=AidPayer.choices, default=AidPayer.AID_FUND)
    approval = models.CharField(_("approval"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("judicial aid")
        verbose_name_plural = _("judicial aid")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["case", "date"], name="aid_case_date_idx")]

    def __str__(self) -> str:
        return f"{self.amount} ({self.date})"


class AttachmentKind(models.TextChoices):
    PLEDGE = "pledge", _("Signed pledge")
    DECISION = "decision", _("Decision or approval")
    RECORD = "record", _("Record of work")
    OTHER = "other", _("Other")


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    work_log = models.ForeignKey(WorkLogEntry, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class RecordSource(models.TextChoices):
    """Where a status period came from."""

    SERVICE = "service", _("Recorded in qingji")
    IMPORT = "import", _("Imported from a workbook")
    FOUND = "found", _("Recorded as found")


class StatusPeriod(models.Model):
    """A case's status over [valid_from, valid_to). The open period has valid_to = NULL.

    "As of day D" a case is in the period with valid_from <= D < valid_to (or valid_to NULL);
    periods that start and end on the same day never count, so several transitions on one
    day leave the last one in force.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_periods",
                             db_index=False)  # period_case_from_idx
    status = models.CharField(max_length=20, choices=CaseStatus.choices)
    method = models.CharField(max_length=20, choices=SettlementMethod.choices, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices, default=RecordSource.SERVICE)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_from", "id"]
        indexes = [
            models.Index(fields=["case", "valid_from"], name="period_case_from_idx"),
            models.Index(fields=["valid_from", "valid_to"], name="period_range_idx"),
            # The summary's checkpoints read the periods that ended between a checkpoint and the day asked.
            models.Index(fields=["valid_to"], name="period_to_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(valid_to__isnull=True), name="period_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status} {self.valid_from}–{self.valid_to or ''}"


LEDGER_COLUMNS = ("ledger_no", "petitioners", "summary", "category", "source", "handling_org", "registered_on",
                  "deadline", "status", "key_supervision", "flags", "lead_official")
DEFAULT_COLUMNS = ("ledger_no", "petitioners", "summary", "handling_org", "source", "registered_on", "deadline",
                   "status", "flags")


class LedgerPreference(models.Model):
    """The ledger columns a user chose to see, remembered between visits."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_preference")
    columns = models.JSONField(default=list)
