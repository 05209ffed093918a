"""案件评查: quality reviews of the underlying court or police files, and accountability."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.IntegerChoices):
    ONE = 1, _("Grade 1")
    TWO = 2, _("Grade 2")
    THREE = 3, _("Grade 3")


class QualityReview(models.Model):
    matter = models.OneToOneField("ledger.UnderlyingMatter", on_delete=models.CASCADE, related_name="review")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    findings = models.TextField(_("findings"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("reviewer"))
    reviewed_on = models.DateField(_("reviewed on"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        indexes = [models.Index(fields=["reviewed_on", "grade"], name="review_date_grade_idx")]

    def __str__(self) -> str:
        return f"{self.matter}: {self.get_grade_display()}"


class AccountabilityKind(models.TextChoices):
    WARNING = "warning", _("Administrative warning")
    NOTICE = "notice", _("Criticised in a notice")
    DISCIPLINARY = "disciplinary", _("Disciplinary sanction")
    SELF_CRITICISM = "self_criticism", _("Written self-criticism")
    OTHER = "other", _("Other")


class AccountabilityAction(models.Model):
    review = models.ForeignKey(QualityReview, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action"), max_length=20, choices=AccountabilityKind.choices)
    person = models.CharField(_("person"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("accountability action")
        verbose_name_plural = _("accountability actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person}"
