"""Each stored step becomes `{code, decided_by, unit}`: the steps of a request under way keep their codes, and
get the deciding unit that the rules in force now give their handling unit (qingji/lifecycle/chains.py). A
step whose unit cannot be found is left with the handling unit, where it was decided before."""

from typing import Any

from django.db import migrations, models

from qingji.lifecycle.chains import CLOSURE_DECIDERS, deciding_unit, holders
from qingji.organisations.models import region_prefix

# The defaults of termination.chains when this migration was written (qingji/rules/keys.py).
COURT_CHAIN = [
    {"code": "review_panel", "decided_by": "intermediate_court"},
    {"code": "adjudication_committee", "decided_by": "intermediate_court"},
    {"code": "leading_group", "decided_by": "intermediate_court"},
    {"code": "approving_body", "decided_by": "unit:court:province"},
]
OTHER_CHAIN = [
    {"code": "unit_review", "decided_by": "handling_unit"},
    {"code": "committee_review", "decided_by": "supervising_committee"},
    {"code": "approving_body", "decided_by": "unit:committee:province"},
]
# Where a unit's chain today has no such step (the old chain sent every kind through the court bodies).
FORMER = {"review_panel": "handling_unit", "adjudication_committee": "handling_unit",
          "leading_group": "supervising_committee"}


def _chain(org: Any, found: list[Any], sets: dict[int, Any]) -> list[dict[str, str]]:
    """termination.chains in force for `org`, read as qingji.rules.selectors.RuleBook reads it."""
    own = sorted((o for o in found if org.path.startswith(o.path) and o.pk in sets), key=lambda o: -len(o.path))
    seen = {o.pk for o in own}
    committees = sorted((o for o in found if o.pk in sets and o.pk not in seen and o.kind == "committee"),
                        key=lambda o: -len(region_prefix(o.region_code or "")))
    merged: dict[str, Any] = {"court": COURT_CHAIN}
    for owner in reversed(own + committees):
        merged.update(sets[owner.pk])
    return list(merged.get(org.kind) or OTHER_CHAIN)


def forwards(apps: Any, schema_editor: Any) -> None:
    Proceeding = apps.get_model("lifecycle", "Proceeding")
    Org = apps.get_model("organisations", "Org")
    RuleValue = apps.get_model("rules", "RuleValue")
    sets = dict(RuleValue.objects.filter(key="termination.chains", org__isnull=False).values_list("org_id", "value"))
    cache: dict[int, tuple[Any, list[Any]]] = {}
    for proceeding in Proceeding.objects.all().iterator():
        if not any(isinstance(step, str) for step in proceeding.steps):
            continue
        org_id = proceeding.case.handling_org_id
        if org_id not in cache:
            org = Org.objects.get(pk=org_id)
            cache[org_id] = (org, holders(org, Org.objects))
        org, found = cache[org_id]
        chain = {s["code"]: s["decided_by"] for s in _chain(org, found, sets)}
        steps = []
        for code in proceeding.steps:
            if not isinstance(code, str):
                steps.append(code)
                continue
            if proceeding.kind == "closure":
                decided_by = CLOSURE_DECIDERS.get(code, "handling_unit")
            else:
                decided_by = chain.get(code) or FORMER.get(code, "handling_unit")
            unit = deciding_unit(decided_by, org, found) or org
            steps.append({"code": code, "decided_by": decided_by, "unit": unit.pk})
        proceeding.steps = steps
        proceeding.save(update_fields=["steps"])


def backwards(apps: Any, schema_editor: Any) -> None:
    Proceeding = apps.get_model("lifecycle", "Proceeding")
    for proceeding in Proceeding.objects.all().iterator():
        proceeding.steps = [s["code"] if isinstance(s, dict) else s for s in proceeding.steps]
        proceeding.save(update_fields=["steps"])


class Migration(migrations.Migration):

    dependencies = [
        ('lifecycle', '0001_initial'),
        ('rules', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='proceeding',
            name='exhausted',
            field=models.JSONField(blank=True, default=dict, verbose_name='handling, review and re-review'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
