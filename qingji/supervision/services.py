"""督查督办: reminders and responses, escalation, rectification orders, notifications.

Notifications carry a key naming what they are about; (user, key) is unique, so the scan
(`qingji remind`) may run any number of times and sends each notice once.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.ledger.models import Case
from qingji.ledger.services import require
from qingji.organisations.models import Official, Org, OrgKind
from qingji.organisations.selectors import visible_orgs
from qingji.supervision.models import Notification, Rectification, Reminder

# ---------------------------------------------------------------- who is told

def committee_above(org: Org) -> Org | None:
    """The committee one level up: for a committee, the one above it; for any other unit, the committee of
    its own region (the committee that supervises it)."""
    prefix = org.region_prefix
    if not prefix:
        return None
    candidates = [c for c in Org.objects.filter(kind=OrgKind.COMMITTEE).exclude(pk=org.pk)
                  if c.region_prefix and prefix.startswith(c.region_prefix)
                  and (not org.is_committee or len(c.region_prefix) < len(prefix))]
    return max(candidates, key=lambda c: len(c.region_prefix), default=None)


def committee_users(org: Org) -> list[User]:
    return [u for u in User.objects.filter(org=org, is_active=True) if has_capability(u, "bulletin.issue")]


def unit_users(org: Org) -> list[User]:
    """The accounts that answer for a unit's cases (its staff and leaders)."""
    return [u for u in User.objects.filter(org=org, is_active=True) if has_capability(u, "reminder.respond")]


def official_users(officials: Iterable[Official | None], fallback_org: Org | None = None) -> list[User]:
    """The accounts of the officials named; when none has an account, the unit's own accounts."""
    users = [o.account for o in officials if o is not None and o.account is not None and o.account.is_active]
    if not users and fallback_org is not None:
        return unit_users(fallback_org)
    return list({u.pk: u for u in users}.values())


@transaction.atomic
def notify(*, users: Iterable[User], key: str, kind: str, title: str, body: str = "", url: str = "") -> int:
    """Send one notice to each user, once: returns how many were new."""
    sent = 0
    for user in {u.pk: u for u in users}.values():
        _notice, created = Notification.objects.get_or_create(
            user=user, key=key, defaults={"kind": kind, "title": title[:200], "body": body, "url": url})
        if created:
            sent += 1
            if getattr(settings, "QINGJI_NOTIFY_EMAIL", False) and user.email:
                send_mail(title, f"{body}\n{url}", None, [user.email], fail_silently=True)
    return sent


def notification_read(*, user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        from django.utils import timezone

        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())


# ---------------------------------------------------------------- reminders

@transaction.atomic
def reminder_create(
    *, actor: User | None, case: Case, channel: str, sent_on: dt.date, content: str,
    response_due: dt.date, issuer: Org | None = None,
) -> Reminder:
    """催办: record a reminder to the case's unit. A letter's text becomes the letter document."""
    require(actor, "reminder.send", case.handling_org)
    issuer = issuer or (actor.org if actor is not None else None)
    if issuer is None:
        raise ValidationError({"issuer": _("Say who sends the reminder.")})
    if not content.strip():
        raise ValidationError({"content": _("Say what the unit is asked to do.")})
    if response_due < sent_on:
        raise ValidationError({"response_due": _("The response is due after the reminder is sent.")})
    reminder = Reminder.objects.create(case=case, issuer=issuer, channel=channel, sent_on=sent_on,
                                       content=content.strip(), response_due=response_due, created_by=actor)
    audit_log(actor=actor, action="reminder.create", obj=case,
              after={"channel": channel, "sent_on": sent_on, "response_due": response_due, "content": content})
    notify(users=unit_users(case.handling_org), key=f"reminder:{reminder.pk}", kind="reminder",
           title=_("Reminder on case %(case)s: respond by %(date)s") % {"case": case.ledger_no,
                                                                       "date": response_due},
           body=reminder.content, url=reverse("supervision:reminder", args=[reminder.pk]))
    return reminder


@transaction.atomic
def reminder_respond(*, actor: User | None, reminder: Reminder, response: str, responded_on: dt.date) -> Reminder:
    require(actor, "reminder.respond", reminder.case.handling_org)
    if not response.strip():
        raise ValidationError({"response": _("Write the unit's response.")})
    if responded_on < reminder.sent_on:
        raise ValidationError({"responded_on": _("The response cannot come before the reminder.")})
    before = {"response": reminder.response, "responded_on": reminder.responded_on}
    reminder.response, reminder.responded_on = response.strip(), responded_on
    reminder.save(update_fields=["response", "responded_on"])
    audit_log(actor=actor, action="reminder.respond", obj=reminder.case, before=before,
              after={"response": reminder.response, "responded_on": responded_on, "reminder": reminder.pk})
    return reminder


def reminder_escalate(*, reminder: Reminder, as_of: dt.date) -> bool:
    """An overdue response goes one level up. The guarded UPDATE makes it happen once."""
    target = committee_above(reminder.issuer)
    claimed = Reminder.objects.filter(pk=reminder.pk, escalated_on__isnull=True, responded_on__isnull=True).update(
        escalated_to=target, escalated_on=as_of)
    if not claimed:
        return False
    audit_log(actor=None, action="reminder.escalate", obj=reminder.case,
              after={"reminder": reminder.pk, "to": target.code if target else None, "on": as_of})
    if target is not None:
        notify(users=committee_users(target), key=f"escalate:{reminder.pk}", kind="escalation",
               title=_("Escalated: %(unit)s has not answered a reminder on case %(case)s (due %(date)s)")
               % {"unit": reminder.case.handling_org.name, "case": reminder.case.ledger_no,
                  "date": reminder.response_due},
               body=reminder.content, url=reverse("supervision:reminder", args=[reminder.pk]))
    return True


def reminder_letter(reminder: Reminder) -> bytes:
    """发函催办: the reminder as an official letter (.docx)."""
    from qingji.lib.officialdoc import OfficialDocument
    from qingji.reports.render import long_date

    case = reminder.case
    petitioners = "、".join(p.name for p in case.petitioners.all())
    doc = OfficialDocument()
    doc.title(_("Letter urging the handling of the petition case of %(names)s") % {"names": petitioners})
    doc.paragraph(_("%(unit)s:") % {"unit": case.handling_org.name}, indent=False)
    deadline = long_date(case.deadline) if case.deadline else _("not set")
    doc.paragraph(_("The case of %(names)s (ledger number %(no)s: %(summary)s) is handled by your unit; its "
                    "deadline is %(deadline)s.") % {"names": petitioners, "no": case.ledger_no,
                                                    "summary": case.summary.rstrip("。. "), "deadline": deadline})
    doc.paragraph(reminder.content)
    doc.paragraph(_("Please report in writing how the case is being handled by %(date)s.")
                  % {"date": long_date(reminder.response_due)})
    doc.signature(reminder.issuer.name, long_date(reminder.sent_on))
    return doc.to_bytes()


# ---------------------------------------------------------------- rectification orders

@transaction.atomic
def rectification_issue(
    *, actor: User | None, org: Org, problem: str, issued_on: dt.date, due_on: dt.date,
    case: Case | None = None, issuer: Org | None = None,
) -> Rectification:
    """限期整改: order a unit to fix a problem by a date."""
    require(actor, "rectification.issue", org)
    issuer = issuer or (actor.org if actor is not None else None)
    if issuer is None:
        raise ValidationError({"issuer": _("Say who issues the order.")})
    if not problem.strip():
        raise ValidationError({"problem": _("Say what must be fixed.")})
    if due_on < issued_on:
        raise ValidationError({"due_on": _("The due date is after the order is issued.")})
    order = Rectification.objects.create(org=org, issuer=issuer, case=case, problem=problem.strip(),
                                         issued_on=issued_on, due_on=due_on, created_by=actor)
    audit_log(actor=actor, action="rectification.issue", obj=order,
              after={"org": org.code, "problem": order.problem, "due_on": due_on})
    notify(users=unit_users(org), key=f"rectification:{order.pk}", kind="rectification",
           title=_("Rectification order: fix by %(date)s") % {"date": due_on}, body=order.problem,
           url=reverse("supervision:rectifications"))
    return order


@transaction.atomic
def rectification_close(*, actor: User | None, order: Rectification, closed_on: dt.date, note: str) -> Rectification:
    """The issuer closes the order when the unit has fixed the problem."""
    require(actor, "rectification.issue", order.org)
    if actor is not None and not visible_orgs(actor).filter(pk=order.issuer_id).exists():
        raise PermissionDenied(_("Only the issuer closes the order."))
    if order.closed_on:
        raise ValidationError(_("This order is already closed."))
    if not note.strip():
        raise ValidationError({"closure_note": _("Say how the problem was fixed.")})
    if closed_on < order.issued_on:
        raise ValidationError({"closed_on": _("An order cannot close before it is issued.")})
    order.closed_on, order.closure_note = closed_on, note.strip()
    order.save(update_fields=["closed_on", "closure_note"])
    audit_log(actor=actor, action="rectification.close", obj=order, after={"closed_on": closed_on, "note": note})
    return order

