import json
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.reports.seeds import build_seed_40


def test_it_prints_the_summary_as_json(city, capsys):
    build_seed_40(city)
    call_command("report", "summary", "--org", "QH-ZFW", "--as-of", "2012-04-30", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["scope"] == {"org": "QH-ZFW", "org_name": "清河市委政法委", "campaign": None}
    assert report["settled_by_method"]["terminated"] == {"count": 23, "share": "57.5"}
    # The seeds' other numbers: 上报终结23件，批准终结23件 (imported as terminated: proposed and approved).
    assert report["terminations"] == {"proposed": 23, "approved": 23, "returned": 0, "pending": 0}
    assert (report["concluded"], report["closure_rate"]) == (40, "100.0")
    assert report["rebound"] == {"cases": 0, "rate": "0.0"}


def test_it_covers_the_whole_database_without_an_org(city, capsys):
    build_seed_40(city)
    call_command("report", "summary", "--format", "json")
    assert json.loads(capsys.readouterr().out)["total"] == 40


def test_it_writes_a_workbook_with_a_sheet_per_breakdown(city, tmp_path):
    build_seed_40(city)
    out = tmp_path / "summary.xlsx"
    call_command("report", "summary", "--org", "QH-ZFW", "--as-of", "2012-04-30", "--format", "xlsx",
                 "--out", str(out))
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["总体情况", "按来源", "按问题类别", "按单位", "标记", "司法救助", "案件评查",
                                   "终结情况", "开展工作"]
    by_source = workbook.worksheets[1]
    assert [c.value for c in by_source[3]][:5] == ["省委政法委交办", 9, 9, 9, 1.0]  # a rate is a number
    assert by_source["E3"].number_format == "0.0%"
    overview = {row[0].value: row[1].value for row in workbook["总体情况"].iter_rows(min_row=3)}
    assert overview["已结案"] == 40 and overview["反弹"] == 0
    terminations = {row[0].value: row[1].value for row in workbook["终结情况"].iter_rows(min_row=3)}
    assert terminations == {"上报终结": 23, "批准终结": 23, "退回": 0, "待审批": 0}


def test_it_writes_the_summary_document_with_the_figures_in_its_sentences(city, tmp_path):
    build_seed_40(city)
    out = tmp_path / "summary.docx"
    call_command("report", "summary", "--org", "QH-ZFW", "--as-of", "2012-04-30", "--format", "docx",
                 "--out", str(out))
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "共排查涉法涉诉信访积案40件，已全部息诉罢访，息诉罢访率100%" in xml
    assert "信访人书面保证息诉罢访的15件，占总数的37.5%" in xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml
    settings = zipfile.ZipFile(out).read("word/settings.xml").decode()
    assert "evenAndOddHeaders" in settings
    assert "2012年4月30日" in xml  # the signature's date
    with translation.override("en"):
        call_command("report", "summary", "--org", "QH-ZFW", "--as-of", "2012-04-30", "--format", "docx",
                     "--out", str(out))
    assert "April 30, 2012" in zipfile.ZipFile(out).read("word/document.xml").decode()  # not "2012-4-30"


@pytest.mark.parametrize("args", [["--org", "NOPE"], ["--as-of", "2012-13-01"], ["--campaign", "NOPE"]])
def test_it_explains_bad_arguments(city, args):
    with pytest.raises(CommandError) as caught:
        call_command("report", "summary", "--format", "json", *args)
    assert caught.value.returncode == 2
