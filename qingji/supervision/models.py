"""督查督办: reminders with the unit's response, rectification orders, notifications and the scan's claims."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")


class Reminder(models.Model):
    """催办: a superior chases a case's unit and waits for its response by a date."""

    case = models.ForeignKey("ledger.Case", on_delete=models.CASCADE, related_name="reminders")
    issuer = models.ForeignKey("organisations.Org", verbose_name=_("issued by"), on_delete=models.PROTECT,
                               related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    sent_on = models.DateField(_("sent on"))
    content = models.TextField(_("content"))
    response_due = models.DateField(_("response due"))
    response = models.TextField(_("response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    escalated_to = models.ForeignKey("organisations.Org", verbose_name=_("escalated to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["response_due"], name="reminder_due_idx",
                                condition=Q(responded_on__isnull=True))]

    def __str__(self) -> str:
        return f"{self.case} {self.get_channel_display()} {self.sent_on}"


class Rectification(models.Model):
    """限期整改: an order to a unit to fix a problem by a date, closed when it is fixed."""

    org = models.ForeignKey("organisations.Org", verbose_name=_("unit"), on_delete=models.PROTECT,
                            related_name="+")
    issuer = models.ForeignKey("organisations.Org", verbose_name=_("issued by"), on_delete=models.PROTECT,
                               related_name="+")
    case = models.ForeignKey("ledger.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="rectifications")
    problem = models.TextField(_("problem to fix"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_note = models.TextField(_("how it was fixed"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["closed_on", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.org} {self.due_on}"


class Notification(models.Model):
    """An in-app notice. `key` names what it is about and for whom, so a scan never sends it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class ScheduledRun(models.Model):
    """A periodic job's next run; `qingji remind --loop` claims it with a conditional UPDATE."""

    name = models.CharField(max_length=50, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
