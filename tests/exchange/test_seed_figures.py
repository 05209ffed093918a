"""The seeds' own figures, reproduced through the workbook import and the summary report."""

import datetime as dt

import openpyxl

from qingji.exchange.importer import import_ledger
from qingji.reports.selectors import summary

# source, key supervision, counts (written pledge, terminated, other)
SEED_40 = [("省委政法委交办", "省委政法委", (3, 5, 1)), ("市委政法委交办", "市委政法委", (4, 2, 0)),
           ("省高院交办", "否", (8, 16, 1))]
METHODS = ("书面保证息诉罢访", "省院批准终结", "其他方式办结")
HEADER = ["台账编号", "信访人", "信访事项", "案件来源", "重点督办", "登记时间", "责任单位", "办理状态", "化解方式",
          "办结时间"]


def seed_workbook(path):
    workbook = openpyxl.Workbook()
    ledger = workbook.active
    ledger.append(["全市法院涉诉信访积案台账"])
    ledger.append(HEADER)
    number = 0
    courts = ["QH-ZY", "清源区人民法院", "QH-HY-FY", "安平县人民法院"]
    for source, key, counts in SEED_40:
        for method, count in zip(METHODS, counts, strict=True):
            for _ in range(count):
                number += 1
                ledger.append([f"S-{number:02d}", f"信访人{number}", "不服判决", source, key, "2012-01-05",
                               courts[number % 4], "已结已息", method, f"2012.{2 + number % 3}.{1 + number % 27}"])
    reviews = workbook.create_sheet("案件评查")
    reviews.append(["台账编号", "原案号", "案件类型", "评查等次", "存在问题", "责任追究"])
    for index, grade in enumerate(["一类"] * 52 + ["二类"] * 15 + ["三类"] * 2):
        reviews.append([f"S-{index % 40 + 1:02d}", f"(2010)凉民初字第{index + 1}号", "一审", grade, "",
                        "行政警告 承办法官" if grade == "三类" else "否"])
    workbook.save(path)
    return path


def test_the_forty_cases_and_sixty_nine_reviews_come_out_as_the_city_reported(city, tmp_path):
    path = seed_workbook(tmp_path / "seed.xlsx")
    assert import_ledger(path, path.name).created == 40
    report = summary(org=city["QH-ZFW"], as_of=dt.date(2012, 4, 30))
    assert (report["total"], report["settlement_rate"]) == (40, "100.0")
    assert [report["settled_by_method"][m]["share"] for m in ("written_pledge", "terminated", "other")] == \
        ["37.5", "57.5", "5.0"]
    by_source = {r["source"]: (r["total"], r["key_supervision"]) for r in report["by_source"]}
    assert by_source == {"provincial_committee": (9, 9), "city_committee": (6, 6), "superior_org": (25, 0)}
    assert report["reviews"]["grades"]["1"] == {"count": 52, "share": "75.4"}
    assert report["reviews"]["accountability"] == {"matters": 2, "share": "2.9"}
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2012, 1, 31))["settled"] == 0


def test_the_review_sheet_survives_the_round_trip(city, tmp_path):
    from django.core.management import call_command

    path = seed_workbook(tmp_path / "seed.xlsx")
    import_ledger(path, path.name)
    out = tmp_path / "export.xlsx"
    call_command("export_ledger", "--org", "QH-ZFW", "--out", str(out))
    assert openpyxl.load_workbook(out).sheetnames == ["台账", "案件评查"]
    result = import_ledger(out, out.name)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 40)
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2012, 4, 30))["reviews"]["matters"] == 69
