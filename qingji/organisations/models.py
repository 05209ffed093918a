"""The directory of units (单位) and the officials who work in them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Political-legal committee")
    COURT = "court", _("Court")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    POLICE = "police", _("Police")
    JUSTICE = "justice", _("Justice bureau")
    PETITION = "petition", _("Petition bureau")
    TOWNSHIP = "township", _("Township")
    OTHER = "other", _("Other")


class OrgLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


def region_prefix(region_code: str) -> str:
    """The significant digits of a region code: 340000 → 34, 341100 → 3411 ("" for none)."""
    code = region_code
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


class Org(models.Model):
    """A unit. `path` materialises the superior chain so that scope is one indexed prefix match."""

    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("unit name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=OrgLevel.choices)
    superior = models.ForeignKey(
        "self", verbose_name=_("superior unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="subordinates",
    )
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [models.Index(fields=["region_code"], name="org_region_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_committee(self) -> bool:
        return self.kind == OrgKind.COMMITTEE

    @property
    def region_prefix(self) -> str:
        """The significant digits of the region code: 340000 → 34, 341100 → 3411."""
        return region_prefix(self.region_code)


# The posts of a unit's head (一把手: 院长, 检察长, 局长 …), until officials carry their post and whether they lead.
HEAD_TITLES = ("院长", "检察长", "局长", "主任", "书记", "区长", "县长", "镇长", "乡长")


class Official(models.Model):
    """A person who may be named responsible for a case; may or may not have an account."""

    name = models.CharField(_("full name"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True)
    org = models.ForeignKey(Org, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officials")
    account = models.OneToOneField(
        "accounts.User", verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="official",
    )

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["org", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name", "title"], name="official_unique_in_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name
