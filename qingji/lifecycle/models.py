"""The life of a case after the work: closure (报结), termination (终结), reopening (重新上访),
follow-up visits (回访) and the committees' sample checks (抽查回访).

Closure and termination are one mechanism, a `Proceeding` that walks through configured
steps (policy.py); each decision is a `ProceedingStep` row. The case's status only changes
through the ledger's `case_transition`, so status periods and the audit log stay right.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProceedingKind(models.TextChoices):
    CLOSURE = "closure", _("Closure request")
    TERMINATION = "termination", _("Termination proposal")


class ProceedingState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ClosureMethod(models.TextChoices):
    """How the unit says the case was concluded; termination has its own proceeding."""

    WRITTEN_PLEDGE = "written_pledge", _("Written pledge to stop petitioning")
    OTHER = "other", _("Concluded in another way")


class Outcome(models.TextChoices):
    SETTLED = "settled", _("Closed and settled")
    UNSETTLED = "unsettled", _("Closed, not settled")


class Proceeding(models.Model):
    case = models.ForeignKey("ledger.Case", on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(_("kind"), max_length=20, choices=ProceedingKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=ProceedingState.choices,
                             default=ProceedingState.PENDING)
    # The steps in force when the proceeding began, each `{code, decided_by, unit}` with the id of the unit that
    # decides it (the rules may change later; this one keeps its own chain).
    steps = models.JSONField(default=list)
    step_index = models.PositiveSmallIntegerField(default=0)
    method = models.CharField(_("settlement method"), max_length=20, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # 三级终结: the references of the handling, review and re-review decisions, where the proposer gives them.
    exhausted = models.JSONField(_("handling, review and re-review"), default=dict, blank=True)
    evidence = models.ManyToManyField("ledger.Attachment", blank=True, related_name="+", verbose_name=_("evidence"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_on = models.DateField(_("requested on"))
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state="pending"), name="proceeding_one_pending"),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="proceeding_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"

    @property
    def current(self) -> dict[str, Any] | None:
        """The step waiting for a decision: `{code, decided_by, unit}`."""
        if self.state != ProceedingState.PENDING or self.step_index >= len(self.steps):
            return None
        step: dict[str, Any] = self.steps[self.step_index]
        return step

    @property
    def current_step(self) -> str | None:
        current = self.current
        return str(current["code"]) if current is not None else None

    @property
    def step_codes(self) -> list[str]:
        return [str(s["code"]) for s in self.steps]

    @property
    def is_last_step(self) -> bool:
        return self.step_index == len(self.steps) - 1


class Decision(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProceedingStep(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField(max_length=30)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    opinion = models.TextField(_("opinion"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_on = models.DateField(_("date"))
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]


class Reopening(models.Model):
    """重新上访: a new petition on a closed case. It counts against the unit that closed the case."""

    case = models.ForeignKey("ledger.Case", on_delete=models.CASCADE, related_name="reopenings")
    petitioned_on = models.DateField(_("petitioned again on"))
    channel = models.CharField(_("where"), max_length=100, blank=True)
    description = models.TextField(_("what happened"))
    closed_by = models.ForeignKey("organisations.Org", on_delete=models.PROTECT, related_name="rebounds",
                                  verbose_name=_("unit that closed the case"))
    previous_status = models.CharField(max_length=20)
    previous_method = models.CharField(max_length=20, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["-petitioned_on", "-id"]
        indexes = [models.Index(fields=["closed_by", "petitioned_on"], name="reopening_org_date_idx")]


class FollowUpResult(models.TextChoices):
    STABLE = "stable", _("Stable")
    WAVERING = "wavering", _("Wavering")
    PETITIONED_AGAIN = "petitioned_again", _("Petitioned again")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class SampleCheck(models.Model):
    """抽查回访: a committee's own check of a random, reproducible sample of a unit's closed cases."""

    committee = models.ForeignKey("organisations.Org", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("committee"))
    unit = models.ForeignKey("organisations.Org", on_delete=models.PROTECT, related_name="sample_checks",
                             verbose_name=_("unit checked"))
    percent = models.PositiveSmallIntegerField(_("share of closed cases (%)"))
    seed = models.BigIntegerField(_("random seed"))
    population = models.PositiveIntegerField(_("closed cases"))
    closed_by = models.DateField(_("closed by"))
    due_on = models.DateField(_("check by"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sample check")
        verbose_name_plural = _("sample checks")
        ordering = ["-drawn_at", "-id"]


class FollowUp(models.Model):
    """回访: a visit after closure, scheduled by the closure, or one case of a sample check."""

    case = models.ForeignKey("ledger.Case", on_delete=models.CASCADE, related_name="follow_ups")
    sample_check = models.ForeignKey(SampleCheck, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="items")
    due_on = models.DateField(_("visit due on"))
    done_on = models.DateField(_("visited on"), null=True, blank=True)
    visited_by = models.CharField(_("visited by"), max_length=100, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=FollowUpResult.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="followup_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["case", "due_on"], condition=Q(sample_check__isnull=True),
                                    name="followup_one_per_day"),
            models.UniqueConstraint(fields=["sample_check", "case"], name="followup_one_per_sample"),
        ]

    @property
    def passed(self) -> bool | None:
        """A sample-check visit passes when the petitioner is stable and not dissatisfied."""
        if self.done_on is None:
            return None
        return self.result == FollowUpResult.STABLE and self.satisfaction != Satisfaction.DISSATISFIED
