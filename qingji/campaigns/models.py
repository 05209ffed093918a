"""专项活动: campaigns and the cases in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey("organisations.Org", verbose_name=_("organising committee"),
                                  on_delete=models.PROTECT, related_name="campaigns")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Scope rules: cases unsettled as of the cut-off date, from these sources (empty: all).
    cutoff_date = models.DateField(_("cut-off date"), null=True, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
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
