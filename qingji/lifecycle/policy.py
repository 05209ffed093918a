"""Who decides each step of a closure or a termination: local rules as configuration.

The seeds' rules are the defaults: a closure is approved by the unit's leader and accepted by
the supervising committee; a termination goes from the handling unit's proposal through the
review panel, the adjudication committee and the campaign leading group's head to the
provincial high court. Which steps apply and which body approves differ by province, so
they come from settings (QINGJI_CLOSURE_STEPS, QINGJI_TERMINATION_STEPS,
QINGJI_TERMINATION_APPROVER as "kind:level" of the approving unit).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qingji.accounts.roles import has_capability

if TYPE_CHECKING:
    from qingji.accounts.models import User


@dataclass(frozen=True)
class Step:
    name: str
    label: str | Promise  # what the step is, e.g. 单位领导审批
    actor: str | Promise  # who acts, e.g. 单位领导
    capability: str
    own_unit: bool = False  # decided inside the handling unit (its leader, its court's bodies)


STEPS: dict[str, Step] = {s.name: s for s in (
    Step("unit_leader", _("Unit leader's approval"), _("Leader of the handling unit"), "closure.approve",
         own_unit=True),
    Step("committee", _("Committee acceptance"), _("Supervising committee"), "closure.accept"),
    Step("review_panel", _("Review panel opinion"), _("Termination review panel"), "termination.review_panel",
         own_unit=True),
    Step("adjudication_committee", _("Adjudication committee decision"), _("Adjudication committee"),
         "termination.adjudication", own_unit=True),
    Step("leading_group", _("Leading group head's sign-off"), _("Head of the campaign leading group"),
         "termination.sign_off"),
    Step("approving_body", _("Approval by the approving body"), _("Approving body"), "termination.approve"),
)}
CLOSURE_DEFAULT = ("unit_leader", "committee")
TERMINATION_DEFAULT = ("review_panel", "adjudication_committee", "leading_group", "approving_body")


def closure_steps() -> list[str]:
    steps = list(getattr(settings, "QINGJI_CLOSURE_STEPS", CLOSURE_DEFAULT))
    return [s for s in steps if s in ("unit_leader", "committee")] or ["committee"]


def termination_steps() -> list[str]:
    steps = list(getattr(settings, "QINGJI_TERMINATION_STEPS", TERMINATION_DEFAULT))
    steps = [s for s in steps if s in TERMINATION_DEFAULT]
    return steps if steps and steps[-1] == "approving_body" else [*steps, "approving_body"]


def approver_kind_level(handling_kind: str = "court") -> tuple[str, str]:
    """The approving body of a termination, as (kind, level): for a court's case the provincial high
    court by default; for the other units' cases the provincial committee by default."""
    if handling_kind == "court":
        value = getattr(settings, "QINGJI_TERMINATION_APPROVER", "court:province")
    else:
        value = getattr(settings, "QINGJI_TERMINATION_APPROVER_OTHER", "committee:province")
    kind, _sep, level = value.partition(":")
    return kind, level


def termination_counts_as_settled() -> bool:
    return bool(getattr(settings, "QINGJI_TERMINATION_SETTLED", True))


def follow_up_months() -> list[int]:
    return list(getattr(settings, "QINGJI_FOLLOW_UP_MONTHS", (1, 3)))


def may_act(user: "User", step: str, handling_kind: str | None = None) -> bool:
    """The role part of the check (scope is checked against the case by the caller). Without
    `handling_kind`, whether the user may act on this step for some case."""
    if not has_capability(user, STEPS[step].capability):
        return False
    if step == "approving_body":
        kinds = [handling_kind] if handling_kind else ["court", "other"]
        return user.org is not None and any((user.org.kind, user.org.level) == approver_kind_level(k) for k in kinds)
    return True
