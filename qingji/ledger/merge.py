"""An ID number is one person: the petitioners that share one (kept apart before the database enforced it)
merged into the oldest, their cases moved to it. Used by `qingji merge-petitioners` (which audits each merge)
and by the migration that adds the unique constraint (with its historical models), so both merge alike."""

from typing import Any

from django.db.models import Count

# Details the kept petitioner takes from a merged one where its own are empty.
FILLED = ("gender", "phone", "phone_digest", "address", "region_code", "notes")


def merge_duplicates(petitioner_model: Any, link_model: Any, *, apply: bool) -> list[dict[str, Any]]:
    """Every group of petitioners with one ID-number digest: [{kept, merged: [ids], cases: [ids], names}].
    With `apply`, the links of the merged ones go to the kept one (a case that had both keeps one link), the
    kept one's empty details are filled from theirs, and they are deleted."""
    groups = (petitioner_model.objects.exclude(id_number_digest="").values("id_number_digest")
              .annotate(n=Count("pk")).filter(n__gt=1).order_by("id_number_digest"))
    report = []
    for group in groups:
        people = list(petitioner_model.objects.filter(id_number_digest=group["id_number_digest"]).order_by("pk"))
        kept, others = people[0], people[1:]
        ids = [p.pk for p in others]
        cases = sorted(set(link_model.objects.filter(petitioner_id__in=ids).values_list("case_id", flat=True)))
        report.append({"kept": kept.pk, "merged": ids, "cases": cases,
                       "names": sorted({p.name for p in people})})
        if not apply:
            continue
        has_kept = set(link_model.objects.filter(petitioner_id=kept.pk, case_id__in=cases)
                       .values_list("case_id", flat=True))
        link_model.objects.filter(petitioner_id__in=ids, case_id__in=has_kept).delete()
        link_model.objects.filter(petitioner_id__in=ids).update(petitioner_id=kept.pk)
        for other in others:
            for field in FILLED:
                if not getattr(kept, field) and getattr(other, field):
                    setattr(kept, field, getattr(other, field))
        kept.group_size = max(p.group_size for p in people)
        kept.save()
        petitioner_model.objects.filter(pk__in=ids).delete()
    return report
