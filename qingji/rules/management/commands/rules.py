"""`qingji rules show|set|unset|history`: the local rules (../shared/spec/local-rules.md, "Command line").

Exit 0 done, 1 refused with the reason (nothing changed), 2 usage (argparse's own).
"""

import datetime as dt
import json
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.organisations.models import Org
from qingji.rules.selectors import RuleBook, rule_history
from qingji.rules.services import rule_set, rule_unset


def _owner_arguments(parser: CommandParser, *, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--org", help="unit code")
    group.add_argument("--campaign", help="campaign code (its campaign.*, bulletin.*, assessment.* rules)")


class Command(BaseCommand):
    help = "Show, set, unset and list the changes of the local rules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="the rules in force, as JSON", called_from_command_line=True)
        show.add_argument("--org", help="unit code")
        show.add_argument("--campaign", help="campaign code")
        show.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD: the rules in force at the end of that day")
        change = sub.add_parser("set", help="set one key; VALUE is JSON", called_from_command_line=True)
        _owner_arguments(change, required=True)
        change.add_argument("key")
        change.add_argument("value")
        change.add_argument("--reason", default="")
        unset = sub.add_parser("unset", help="fall back to the superior's value", called_from_command_line=True)
        _owner_arguments(unset, required=True)
        unset.add_argument("key")
        unset.add_argument("--reason", default="")
        history = sub.add_parser("history", help="every change", called_from_command_line=True)
        _owner_arguments(history, required=False)

    def _org(self, code: str | None) -> Org | None:
        if code is None:
            return None
        org = Org.objects.filter(code=code).first()
        if org is None:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": code})
        return org

    def _campaign(self, code: str | None) -> Any:
        if code is None:
            return None
        from qingji.campaigns.models import Campaign

        campaign = Campaign.objects.select_related("organiser").filter(code=code).first()
        if campaign is None:
            raise CommandError(_("No campaign has the code %(code)s.") % {"code": code})
        return campaign

    def _json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        org, campaign = self._org(options.get("org")), self._campaign(options.get("campaign"))
        if action == "show":
            day = None
            if options.get("as_of"):
                try:
                    day = dt.date.fromisoformat(options["as_of"])
                except ValueError as error:
                    raise CommandError(_("Give the date as YYYY-MM-DD.")) from error
            rules = RuleBook(day).all(org, campaign)
            self._json({key: {"value": r.value, "from": r.source} for key, r in rules.items()})
            return
        if action == "history":
            self._json([{"when": c.changed_at.isoformat(), "who": c.changed_by_name or "system",
                         "owner": c.org.code if c.org else c.campaign.code if c.campaign else "", "key": c.key,
                         "old": c.old, "new": c.new, "reason": c.reason}
                        for c in reversed(rule_history(org, campaign))])
            return
        try:
            if action == "set":
                try:
                    value = json.loads(options["value"])
                except json.JSONDecodeError as error:
                    if re.fullmatch(r"[A-Za-z_]\w*", options["value"]):  # a bare word: monthly, under_milestone
                        value = options["value"]
                    else:
                        raise CommandError(_("The value is not JSON (%(error)s). A text is given in quotes: "
                                         "'\"monthly\"'.") % {"error": error.msg}) from error
                rule_set(actor=None, key=options["key"], value=value, reason=options["reason"], org=org,
                         campaign=campaign)
            else:
                rule_unset(actor=None, key=options["key"], reason=options["reason"], org=org, campaign=campaign)
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from error
        owner = org.code if org else campaign.code
        self.stdout.write(_("%(key)s of %(owner)s: %(what)s.")
                          % {"key": options["key"], "owner": owner,
                             "what": _("set") if action == "set" else _("unset, inherited from now on")})
