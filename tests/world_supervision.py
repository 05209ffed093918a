"""Supervision objects for the access test: a reminder on every unit's case, a rectification order for
every unit (issued by the unit itself, so that its leader may close it) and a notification for every account."""

import datetime as dt
from typing import Any

from qingji.supervision.services import notify, rectification_issue, reminder_create


def build(world: dict[str, Any]) -> None:
    today = dt.date.today()
    world["reminders"] = {
        code: reminder_create(actor=None, case=case, channel="letter", sent_on=today - dt.timedelta(days=5),
                              content="请加快办理", response_due=today + dt.timedelta(days=5),
                              issuer=case.handling_org)
        for code, case in world["cases"].items()
    }
    world["rectifications"] = {
        code: rectification_issue(actor=None, org=unit, issuer=unit, problem="台账不全", issued_on=today,
                                  due_on=today + dt.timedelta(days=30))
        for code, unit in world["units"].items()
    }
    world["notifications"] = {}
    for name, user in world["users"].items():
        notify(users=[user], key=f"world:{name}", kind="test", title="通知")
        world["notifications"][name] = user.notifications.get(key=f"world:{name}")
