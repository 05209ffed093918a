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


def bulletin_docx(snapshot: dict[str, Any]) -> bytes:
    doc = OfficialDocument()
    campaign = snapshot["campaign"]
    doc.title(_("Bulletin No. %(n)d on the progress of %(campaign)s") % {"n": snapshot["number"],
                                                                        "campaign": campaign["name"]})
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
    doc.paragraph(_("Commended: %(names)s, which met the milestone and rank in the top group.")
                  % {"names": commended} if commended else _("No unit is commended in this bulletin."))
    doc.paragraph(_("Criticised: %(names)s, which are below the milestone and made no progress or rank in the "
                    "bottom group.") % {"names": criticised} if criticised
                  else _("No unit is criticised in this bulletin."))
    twice = [r["name"] for r in snapshot["rows"] if r["streak"] >= snapshot["rules"]["explanation_after"]]
    if twice:
        doc.paragraph(_("%(names)s have been criticised in consecutive bulletins; their heads are to explain in "
                        "writing to the committee.") % {"names": "、".join(twice)})
    doc.signature(campaign["organiser"], long_date(snapshot["as_of"]))
    return doc.to_bytes()
