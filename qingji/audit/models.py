"""The append-only audit log, each entry chained to the previous one by a hash."""

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=50, db_index=True)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    org_code = models.CharField(_("unit"), max_length=32, blank=True)
    ip = models.CharField(_("address"), max_length=45, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("Audit entries are append-only.")


class AuditHead(models.Model):
    """One row: the last sequence number and hash. Locking it serialises the chain."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # Where the kept part of the chain starts: retention removes verified old entries
    # and moves this anchor forward, so verification still starts from a known hash.
    base_seq = models.BigIntegerField(default=1)
    base_prev_hash = models.CharField(max_length=64, default="0" * 64)
