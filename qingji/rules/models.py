"""Rule sets: an organisation's (or a campaign's) own values of the local rules, and every change to them.

`RuleValue` is the set in force now, one row per owner and key (what every page reads); `RuleChange` is the
history, one row per change with who, when, why and the old and new value, from which `--as-of` rebuilds the
sets of any past day. Both are written together, by `qingji.rules.services` only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RuleValue(models.Model):
    org = models.ForeignKey("organisations.Org", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="rule_values", verbose_name=_("unit"))
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="rule_values", verbose_name=_("campaign"))
    key = models.CharField(_("rule"), max_length=60)
    value = models.JSONField(_("value"))

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.CheckConstraint(condition=Q(org__isnull=True) ^ Q(campaign__isnull=True), name="rule_one_owner"),
            models.UniqueConstraint(fields=["org", "key"], condition=Q(org__isnull=False), name="rule_org_key"),
            models.UniqueConstraint(fields=["campaign", "key"], condition=Q(campaign__isnull=False),
                                    name="rule_campaign_key"),
        ]


class RuleChange(models.Model):
    org = models.ForeignKey("organisations.Org", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="rule_changes", verbose_name=_("unit"))
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="rule_changes", verbose_name=_("campaign"))
    key = models.CharField(_("rule"), max_length=60)
    old = models.JSONField(_("old value"), null=True)  # null: not set here before (inherited)
    new = models.JSONField(_("new value"), null=True)  # null: unset (inherited from now on)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("changed by"))
    changed_by_name = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)

    class Meta:
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(org__isnull=True) ^ Q(campaign__isnull=True),
                                   name="rule_change_one_owner"),
        ]
        indexes = [models.Index(fields=["org", "changed_at"], name="rule_change_org_idx"),
                   models.Index(fields=["campaign", "changed_at"], name="rule_change_campaign_idx")]
