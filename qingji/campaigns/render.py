"""A bulletin as an official document (.docx), rendered from its frozen snapshot only."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingji.lib.officialdoc import OfficialDocument
from qingji.lib.rates import percent_text
from qingji.reports.render import long_date


def _change(value: str | None) -> str:
    return "—" if value is None else value


def _rank(row: dict[str, Any]) -> str:
    """3 (↑1): the rank, and how many places it moved since the last bulletin."""
    change = row["rank_change"]
    if not change:
        return str(row["rank"])
    return f"{row['rank']}（{'↑' if change > 0 else '↓'}{abs(change)}）"


def _names(rows: list[dict[str, Any]], key: str) -> str:
    return "、".join(r["name"] for r in rows if r[key])


def _rule(snapshot: dict[str, Any], key: str, old: str) -> Any:
    """A rule the bulletin was computed with; a bulletin issued before the rule sets has its old name."""
    rules = snapshot["rules"]
    return rules[key] if key in rules else rules.get(old)


def _head(snapshot: dict[str, Any]) -> dict[str, str] | None:
    return next((m for m in snapshot.get("leading_group") or [] if m["role"] == "head"), None)


def _verdict_texts(snapshot: dict[str, Any], commended: str, criticised: str) -> tuple[str, str]:
    commend, criticise = _rule(snapshot, "bulletin.commend", ""), _rule(snapshot, "bulletin.criticise", "")
    if commend is None:  # issued before the rule sets: the top and bottom shares
        return (_("Commended: %(names)s, which met the milestone and rank in the top group.")
                % {"names": commended} if commended else _("No unit is commended in this bulletin."),
                _("Criticised: %(names)s, which are below the milestone and made no progress or rank in the "
                  "bottom group.") % {"names": criticised} if criticised
                else _("No unit is criticised in this bulletin."))
    if not commended:
        praise = _("No unit is commended in this bulletin.")
    elif commend == "over_milestone":
        praise = _("Commended: %(names)s, which met the milestone.") % {"names": commended}
    else:
        praise = _("Commended: %(names)s, the first %(n)d in the ranking that met the milestone.") % {
            "names": commended, "n": commend}
    if not criticised:
        blame = _("No unit is criticised in this bulletin.")
    elif criticise == "under_milestone":
        blame = _("Criticised: %(names)s, which are below the milestone.") % {"names": criticised}
    else:
        blame = _("Criticised: %(names)s, the last %(n)d in the ranking below the milestone.") % {
            "names": criticised, "n": criticise}
    return praise, blame


def bulletin_docx(snapshot: dict[str, Any]) -> bytes:
    doc = OfficialDocument()
    campaign = snapshot["campaign"]
    doc.title(_("Bulletin No. %(n)d on the progress of %(campaign)s") % {"n": snapshot["number"],
                                                                        "campaign": campaign["name"]})
    head = _head(snapshot)
    if head is not None:
        doc.subtitle(_("Office of the leading group of %(campaign)s (head: %(head)s, %(title)s)")
                     % {"campaign": campaign["name"], "head": head["name"], "title": head["title"] or head["org"]})
    totals = snapshot["totals"]
    doc.paragraph(_("As of %(date)s, the units had %(total)d cases in the campaign, of which %(settled)d are "
                    "settled: a settlement rate of %(rate)s; %(overdue)d open cases are past their deadline.")
                  % {"date": long_date(snapshot["as_of"]), "total": totals["total"], "settled": totals["settled"],
                     "rate": percent_text(totals["settlement_rate"]), "overdue": totals["overdue"]})
    milestone = snapshot["milestone"]
    if milestone:
        doc.paragraph(_("The milestone in force requires a settlement rate of %(target)s by %(date)s.")
                      % {"target": percent_text(milestone["target"]), "date": long_date(milestone["date"])})
    if snapshot["next_milestone"]:
        coming = snapshot["next_milestone"]
        doc.paragraph(_("The next milestone requires %(target)s by %(date)s.")
                      % {"target": percent_text(coming["target"]), "date": long_date(coming["date"])})
    doc.heading(_("1. Ranking of the units"))
    header = [pgettext("campaign", "Unit"), _("Rank (change)"), _("Cases"), _("Settled"), _("Settlement rate"),
              _("Overdue"), _("Change in rate")]
    rows = [[r["name"], _rank(r), r["total"], r["settled"], percent_text(r["settlement_rate"]), r["overdue"],
             _change(r["rate_change"])] for r in snapshot["rows"]]
    doc.table(header, rows, caption=_("Settlement by unit as of %(date)s") % {"date": long_date(snapshot["as_of"])})
    doc.heading(_("2. Commendation and criticism"))
    commended, criticised = _names(snapshot["rows"], "commended"), _names(snapshot["rows"], "criticised")
    praise, blame = _verdict_texts(snapshot, commended, criticised)
    doc.paragraph(praise)
    doc.paragraph(blame)
    after = int(_rule(snapshot, "bulletin.explanation_after", "explanation_after"))
    twice = [r["name"] for r in snapshot["rows"] if r["streak"] >= after]
    if twice:
        doc.paragraph(_("%(names)s have been criticised in consecutive bulletins; their heads are to explain in "
                        "writing to the organiser.") % {"names": "、".join(twice)})
    doc.signature(campaign["organiser"], long_date(snapshot["as_of"]))
    return doc.to_bytes()
