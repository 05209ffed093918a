"""The bulletin document: the official format from the frozen snapshot; `qingji bulletin issue` writes it."""

import datetime as dt
import os
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from docx import Document

from qingji.campaigns.models import Bulletin
from tests.campaigns.helpers import COURTS, apply, make_campaign, screening, settle

D = dt.date


def test_it_issues_a_bulletin_on_the_command_line_with_its_document(city, tmp_path):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    for code in COURTS[:2]:
        for case in cases[code][:3]:
            settle(case, D(2012, 1, 20))
    out = tmp_path / "bulletin.docx"
    output = StringIO()
    call_command("bulletin", "issue", "--campaign", campaign.code, "--as-of", "2012-01-31", "--out", str(out),
                 stdout=output)
    verdicts = [(r["org"], r["commended"], r["criticised"]) for r in Bulletin.objects.get().snapshot["rows"]]
    assert verdicts == [("QH-QY-FY", True, False), ("QH-ZY", False, False), ("QH-AP-FY", False, False),
                        ("QH-HY-FY", False, True)]
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    table = Document(str(out)).tables[0]
    assert [c.text for c in table.rows[1].cells][:5] == ["清源区人民法院", "1", "4", "3", "75%"]
    assert "清源区人民法院" in text and "河阳区人民法院" in text
    if os.environ.get("QINGJI_KEEP_BULLETIN"):
        Path(os.environ["QINGJI_KEEP_BULLETIN"]).write_bytes(out.read_bytes())
    assert Bulletin.objects.get().snapshot["rows"][0]["org"] == "QH-QY-FY"


def test_it_refuses_a_bulletin_not_after_the_last(city):
    campaign = make_campaign(city)
    call_command("bulletin", "issue", "--campaign", campaign.code, "--as-of", "2012-01-31", stdout=StringIO())
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2012-01-31"):
        call_command("bulletin", "issue", "--campaign", campaign.code, "--as-of", "2012-01-31", stdout=StringIO())
