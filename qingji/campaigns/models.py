"""专项活动: campaigns and the cases in them.

A campaign's rules (its milestones, bulletin cadence, commendation and criticism, assessment weights…) are
local rules (qingji/rules): the campaign's own rule set, else its organiser's, else the default. They are
read through `qingji.rules.selectors`, never stored here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Campaign(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey("organisations.Org", verbose_name=_("organiser"),
                                  on_delete=models.PROTECT, related_name="campaigns")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Scope rules: cases unsettled as of the cut-off date, from these sources (empty: all).
    cutoff_date = models.DateField(_("cut-off date"), null=True, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    # Units whose cases join (empty: every unit in the organiser's scope).
    units = models.ManyToManyField("organisations.Org", verbose_name=_("units"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "code"]

    def __str__(self) -> str:
        return self.name


class CampaignCase(models.Model):
    """A case in a campaign, by the campaign's scope rules or added by hand."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    case = models.ForeignKey("ledger.Case", on_delete=models.CASCADE, related_name="campaign_memberships")
    by_hand = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], name="campaign_case_unique")]
        indexes = [models.Index(fields=["case", "campaign"], name="campaign_case_rev_idx")]


class GroupRole(models.TextChoices):
    HEAD = "head", _("Head (组长)")
    DEPUTY = "deputy", _("Deputy head (副组长)")
    MEMBER = "member", _("Member (成员)")
    OFFICE = "office", _("Office (办公室)")


class LeadingGroupMember(models.Model):
    """领导小组: the campaign's leading group and its office, drawn from officials. Its head signs the
    `leading_group` step of a termination of a case in the campaign (qingji/lifecycle/policy.py)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leading_group")
    official = models.ForeignKey("organisations.Official", verbose_name=_("official"), on_delete=models.PROTECT,
                                 related_name="leading_groups")
    role = models.CharField(_("role in the group"), max_length=10, choices=GroupRole.choices)
    duty = models.CharField(_("duty"), max_length=100, blank=True)  # 办公室主任, 联络员 …

    class Meta:
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")
        ordering = ["campaign", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "official"], name="leading_group_once"),
            models.UniqueConstraint(fields=["campaign"], condition=models.Q(role="head"),
                                    name="leading_group_one_head"),
        ]


class Cadence(models.TextChoices):
    """The values of the rule `bulletin.cadence` (qingji/rules/keys.py CADENCES)."""

    MONTHLY = "monthly", _("Monthly")
    HALF_MONTHLY = "half_monthly", _("Half-monthly")
    WEEKLY = "weekly", _("Weekly")


# 动员部署, 排查摸底, 集中化解, 检查验收, 考核表彰: the seeds' phases, offered when a campaign is set up.
DEFAULT_PHASES = (_("Mobilisation"), _("Screening"), _("Concentrated resolution"), _("Inspection and acceptance"),
                  _("Assessment and commendation"))


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["position", "starts_on"]

    def __str__(self) -> str:
        return self.name


class Bulletin(models.Model):
    """通报: frozen when issued. `snapshot` holds every figure, rank and verdict; nothing recomputes it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="bulletins")
    number = models.PositiveIntegerField(_("number"))
    as_of = models.DateField(_("as of"))
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence.choices)
    snapshot = models.JSONField(editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="bulletin_unique_number"),
            models.UniqueConstraint(fields=["campaign", "as_of"], name="bulletin_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.code} #{self.number}"


class ExplanationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting explanation")
    SUBMITTED = "submitted", pgettext_lazy("explanation", "Submitted")


class ExplanationTask(models.Model):
    """书面说明: the head of a unit criticised in consecutive bulletins explains in writing, by a date."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="explanations")
    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="explanations")
    org = models.ForeignKey("organisations.Org", verbose_name=_("unit"), on_delete=models.PROTECT,
                            related_name="+")
    head = models.ForeignKey("organisations.Official", verbose_name=_("head of unit"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=ExplanationStatus.choices,
                              default=ExplanationStatus.OPEN)
    text = models.TextField(_("explanation"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("written explanation")
        verbose_name_plural = _("written explanations")
        ordering = ["status", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "org"], name="explanation_unique")]

    def __str__(self) -> str:
        return f"{self.org} {self.due_on}"


class AssessmentVeto(models.Model):
    """一票否决: one failure that voids a unit's rating in the campaign's assessment."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="vetoes")
    org = models.ForeignKey("organisations.Org", verbose_name=_("unit"), on_delete=models.PROTECT,
                            related_name="+")
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="veto_unique")]
