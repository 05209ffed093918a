import datetime as dt

import pytest
from django.db import connection

from qingji.audit.models import AuditEntry
from qingji.audit.services import verify_chain
from qingji.exchange import importer
from qingji.exchange.importer import import_ledger
from qingji.ledger.models import (
    Case,
    CasePetitioner,
    CaseStatus,
    Category,
    Petitioner,
    SettlementMethod,
    StatusPeriod,
)
from qingji.ledger.services import CASE_FIELDS
from qingji.lib.problems import InputRejected
from qingji.lib.tabular import TableError
from qingji.organisations.models import Official
from qingji.reports.selectors import summary
from tests.exchange.workbooks import HEADER, row, write
from tests.ledger.factories import valid_id_number


def run(path, **kwargs):
    return import_ledger(path, path.name, **kwargs)


@pytest.fixture(params=["in-process", "child process"])
def reader(request, settings):
    """Run the test twice: the workbook read and checked in this process, and by the child process that
    reads large workbooks (exchange/parsing.py); both must find the same rows and problems."""
    settings.QINGJI_IMPORT_CHILD_BYTES = 0 if request.param == "child process" else 10**12
    return request.param


def test_it_reads_a_workbook_with_title_rows_and_merged_cells(city, tmp_path):
    path = write(tmp_path / "l.xlsx", [row(台账编号="A-1"), row(台账编号="A-2", 信访人="李明、李强")])
    result = run(path)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    case = Case.objects.get(ledger_no="A-2")
    assert [p.name for p in case.petitioners.order_by("casepetitioner__position")] == ["李明", "李强"]
    assert case.responsibility.lead_official.name == "陈家和"
    assert sorted(h.name for h in case.responsibility.handlers.all()) == ["卫晓明", "蒋红梅"]
    assert case.status == CaseStatus.IN_PROGRESS


@pytest.mark.parametrize("spelling", ["2012-01-16", "2012/1/16", "2012.1.16", "2012年1月16日", "20120116",
                                      dt.datetime(2012, 1, 16), "２０１２－０１－１６"])
def test_it_reads_every_date_spelling(city, tmp_path, spelling):
    run(write(tmp_path / "l.xlsx", [row(台账编号="D-1", 登记时间=spelling)]))
    assert Case.objects.get().registered_on == dt.date(2012, 1, 16)


def test_it_matches_headers_through_synonyms_and_reports_unknown_columns(city, tmp_path):
    header = ["序 号", "案件编号", "信访人姓名", "反映问题", "来源", "建档时间", "承办单位", "化解情况", "息诉方式",
              "化解时间", "救助金额（元）", "自定义列"]
    values = {"序 号": 1, "案件编号": "S-1", "信访人姓名": "赵强", "反映问题": "执行不能", "来源": "省院交办",
              "建档时间": "2012-01-05", "承办单位": "清源区人民法院", "化解情况": "已息诉", "息诉方式": "书面保证",
              "化解时间": "2012-03-01", "救助金额（元）": "1.5万", "自定义列": "x"}
    result = run(write(tmp_path / "l.xlsx", [values], header=header))
    case = Case.objects.get(ledger_no="S-1")
    assert (case.source, case.status, case.settlement_method) == ("superior_org", "closed_settled", "written_pledge")
    assert case.aid.get().amount == 15000
    assert result.ignored_columns == ["自定义列"]


def test_it_reports_every_problem_of_every_row_and_writes_nothing(city, tmp_path, reader):
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    rows = [
        row(台账编号="B-1", 身份证号=110101197001011234, 登记时间=future),
        row(台账编号="B-2", 责任单位="不存在的法院", 案件来源="邻居交办"),
        row(台账编号="B-3", 办理状态="已结已息"),
        row(台账编号="B-4", 身份证号="110101197001011235", 进京访="也许", 司法救助金额="很多"),
        row(台账编号="B-5", 登记时间="2012-02-30", 信访人=""),
    ]
    with pytest.raises(InputRejected) as caught:
        run(write(tmp_path / "bad.xlsx", rows))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert {(4, "身份证号"), (4, "登记时间"), (5, "责任单位"), (5, "案件来源"), (6, "化解方式"), (6, "办结时间"),
            (7, "身份证号"), (7, "进京访"), (7, "司法救助金额"), (8, "登记时间"), (8, "信访人")} <= found
    numeric = next(p for p in caught.value.problems if p.row == 4 and p.column == "身份证号")
    assert "文本" in numeric.message
    assert not Case.objects.exists() and not Petitioner.objects.exists()


def test_the_child_process_finds_the_same_problems_in_the_same_order(city, tmp_path, settings):
    rows = [row(台账编号=f"P-{i}", 身份证号=110101197001011234 if i % 3 == 0 else "",
                登记时间="2012-02-30" if i % 4 == 0 else "2012-01-05",
                责任单位="不存在的法院" if i % 5 == 0 else "QH-QY-FY") for i in range(40)]
    rows.append(row(台账编号="P-1"))  # a duplicate ledger number
    path = write(tmp_path / "bad.xlsx", rows)
    found = {}
    for mode, threshold in (("here", 10**12), ("child", 0)):
        settings.QINGJI_IMPORT_CHILD_BYTES = threshold
        with pytest.raises(InputRejected) as caught:
            run(path)
        found[mode] = [p.as_dict() for p in caught.value.problems]
    assert found["child"] == found["here"]
    assert len(found["here"]) == 14 + 10 + 8 + 1
    assert not Case.objects.exists()


def test_a_file_the_child_process_cannot_read_is_refused_with_the_readers_message(city, tmp_path, settings):
    settings.QINGJI_IMPORT_CHILD_BYTES = 0
    path = tmp_path / "not-a-workbook.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(TableError, match="不是可读取的 Excel 工作簿|not a readable Excel workbook"):
        run(path)
    with pytest.raises(TableError, match="Nope"):
        run(write(tmp_path / "l.xlsx", [row()]), sheet="Nope")


def test_it_names_a_missing_required_column(city, tmp_path, reader):
    header = [h for h in HEADER if h != "责任单位"]
    with pytest.raises(InputRejected) as caught:
        run(write(tmp_path / "l.xlsx", [row()], header=header))
    assert [p.column for p in caught.value.problems] == ["责任单位"]


def test_a_second_import_of_the_same_file_changes_nothing(city, tmp_path, reader):
    path = write(tmp_path / "l.xlsx", [row(台账编号="R-1", 身份证号=valid_id_number()),
                                       row(台账编号="R-2", 办理状态="已结已息", 化解方式="批准终结",
                                           办结时间="2012-03-01", 司法救助金额="20000")])
    run(path)
    counts = (Case.objects.count(), Petitioner.objects.count(), StatusPeriod.objects.count())
    result = run(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert (Case.objects.count(), Petitioner.objects.count(), StatusPeriod.objects.count()) == counts


def test_it_updates_an_existing_case_and_matches_petitioners_by_id_number(city, tmp_path):
    id_number = valid_id_number()
    run(write(tmp_path / "a.xlsx", [row(台账编号="U-1", 身份证号=id_number)]))
    result = run(write(tmp_path / "b.xlsx", [row(台账编号="U-1", 身份证号=id_number, 信访事项="诉求已变更"),
                                             row(台账编号="U-2", 身份证号=id_number.lower())]))
    assert (result.created, result.updated) == (1, 1)
    assert Case.objects.get(ledger_no="U-1").summary == "诉求已变更"
    assert Petitioner.objects.count() == 1


def written(case, start):
    """A case's row, its status periods and its audit entries after the audit entry `start`, as compared
    between a case edited with the import's batch and one changed through the services."""
    case = Case.objects.get(pk=case.pk)
    details = {f: getattr(case, f) for f in (*CASE_FIELDS, "version", "search_text", "status", "settlement_method",
                                             "status_since", "closed_on") if f != "ledger_no"}
    periods = list(case.status_periods.order_by("valid_from", "id").values_list(
        "status", "method", "valid_from", "valid_to", "source", "note", "recorded_by"))
    entries = [(e.action, e.object_type, e.before, e.after) for e in AuditEntry.objects.filter(
        object_type="case", object_id=str(case.pk), seq__gt=start).order_by("seq")]
    return details, periods, entries


def test_an_edit_of_a_case_s_details_and_status_writes_what_the_services_would(city, tmp_path, monkeypatch):
    """Cases whose own details or status alone differ from their rows are edited with the batch
    (importer._write_edits): the case row, its version, what text search looks in, the status periods and
    the audit entries are what case_update and case_record_status make, compared here with cases of the
    same import changed through them."""
    other = Category.objects.exclude(name="民间借贷").first()
    closed = {"办理状态": "已结未息", "办结时间": "2012-03-01"}
    run(write(tmp_path / "a.xlsx", [row(台账编号="E-1", 信访人="赵一"), row(台账编号="E-2", 信访人="赵一"),
                                    row(台账编号="E-3", 信访人="钱二", **closed),
                                    row(台账编号="E-4", 信访人="钱二", **closed)]))
    version = Case.objects.get(ledger_no="E-1").version
    start = AuditEntry.objects.order_by("-seq").first().seq
    real = importer._Writer._may_edit
    monkeypatch.setattr(importer._Writer, "_may_edit", lambda self, case: case.ledger_no in ("E-1", "E-3") and
                        real(self, case))
    changed = {"信访事项": "诉求已变更：要求赔偿", "问题类别": other.name, "进京访": "是", "登记时间": "2012-01-03",
               "办理状态": "已结已息", "化解方式": "批准终结", "办结时间": "2012-04-01"}
    result = run(write(tmp_path / "b.xlsx", [row(台账编号="E-1", 信访人="赵一", **changed),
                                             row(台账编号="E-2", 信访人="赵一", **changed),
                                             row(台账编号="E-3", 信访人="钱二"),  # open again
                                             row(台账编号="E-4", 信访人="钱二")]))
    assert (result.created, result.updated, result.unchanged) == (0, 4, 0)
    cases = {c.ledger_no: c for c in Case.objects.all()}
    for edited, through_services in (("E-1", "E-2"), ("E-3", "E-4")):
        assert written(cases[edited], start) == written(cases[through_services], start)
    edited = cases["E-1"]
    assert (edited.summary, edited.category, edited.beijing_petition, edited.registered_on, edited.version) == (
        "诉求已变更：要求赔偿", other, True, dt.date(2012, 1, 3), version + 2)
    assert (edited.status, edited.settlement_method, edited.closed_on) == (
        CaseStatus.CLOSED_SETTLED, SettlementMethod.TERMINATED, dt.date(2012, 4, 1))
    assert edited.search_text == "赵一\n诉求已变更：要求赔偿\n"
    assert [e[0] for e in written(edited, start)[2]] == ["case.update", "case.record_status"]
    assert (cases["E-3"].status, cases["E-3"].closed_on) == (CaseStatus.IN_PROGRESS, None)
    assert StatusPeriod.objects.filter(case=cases["E-3"], valid_to__isnull=True).count() == 1
    assert not list(verify_chain())
    assert run(tmp_path / "b.xlsx").unchanged == 4


SETTLED = {"办理状态": "已结已息", "化解方式": "书面保证息诉罢访", "办结时间": "2012-04-01"}
UNSETTLED = {"办理状态": "已结未息", "办结时间": "2012-03-01"}
UNASSIGNED = {"包案领导": "", "承办人": ""}  # the case stays registered


@pytest.mark.parametrize(("first", "second"), [
    ({}, SETTLED),
    ({}, UNSETTLED),
    (UNSETTLED, {**SETTLED, "化解方式": "批准终结"}),
    (SETTLED, {**SETTLED, "化解方式": "批准终结"}),  # the same status, another method
    (SETTLED, {}),  # open again
    (UNSETTLED, {**SETTLED, "办结时间": "2012-02-01"}),  # concluded before the current status began
    (UNASSIGNED, {**UNASSIGNED, **SETTLED}),
    ({**UNASSIGNED, **SETTLED}, UNASSIGNED),
], ids=["open→settled", "open→unsettled", "unsettled→settled", "another method", "settled→open",
        "concluded before", "registered→settled", "registered, settled→open"])
def test_every_status_move_of_the_import_s_batch_is_the_services(city, tmp_path, monkeypatch, first, second):
    """The import's batch (importer._Writer._edit, written by ledger.services.case_changes_write) and the
    services (importer._update: case_record_status) must make the same case row, status periods and audit
    entries for every move an import makes: X-1 goes through the batch, X-2 through the services."""
    run(write(tmp_path / "a.xlsx", [row(台账编号=f"X-{i}", 信访人="赵一", **first) for i in (1, 2)]))
    start = AuditEntry.objects.order_by("-seq").first().seq
    real_may_edit, real_update, through_services = importer._Writer._may_edit, importer._update, []
    monkeypatch.setattr(importer._Writer, "_may_edit", lambda self, case: case.ledger_no == "X-1" and
                        real_may_edit(self, case))

    def update(case, *args):
        through_services.append(case.ledger_no)
        return real_update(case, *args)

    monkeypatch.setattr(importer, "_update", update)
    result = run(write(tmp_path / "b.xlsx", [row(台账编号=f"X-{i}", 信访人="赵一", **second) for i in (1, 2)]))
    assert (result.updated, through_services) == (2, ["X-2"])
    batch, services = (written(Case.objects.get(ledger_no=n), start) for n in ("X-1", "X-2"))
    assert batch == services
    assert [e[0] for e in batch[2]] == ["case.record_status"]
    assert [p[3] for p in batch[1]].count(None) == 1  # one open period, the last
    assert not list(verify_chain())


def test_a_new_docket_number_and_petition_matter_are_one_edit_of_the_case(city, tmp_path):
    """A difference beside the case's own details (here a docket number) goes through case_update, the
    details with it: one edit, one version."""
    header = [*HEADER, "原案号"]
    run(write(tmp_path / "a.xlsx", [row(台账编号="K-1", 信访人="孙五")], header=header))
    case = Case.objects.get()
    start = AuditEntry.objects.order_by("-seq").first().seq
    result = run(write(tmp_path / "b.xlsx", [row(台账编号="K-1", 信访人="孙五", 信访事项="诉求已变更",
                                                 原案号="(2011)清民初字第1号")], header=header))
    assert (result.created, result.updated) == (0, 1)
    edited = Case.objects.get()
    assert (edited.summary, edited.version) == ("诉求已变更", case.version + 1)
    assert list(edited.matters.values_list("docket_number", flat=True)) == ["(2011)清民初字第1号"]
    assert edited.search_text == "孙五\n诉求已变更\n(2011)清民初字第1号"
    assert list(AuditEntry.objects.filter(seq__gt=start, object_type="case").order_by("seq")
                .values_list("action", flat=True)) == [
        "case.update", "case.dockets"]
    assert not list(verify_chain())


def test_a_case_changed_by_someone_else_while_the_import_ran_refuses_it(city, tmp_path, monkeypatch):
    run(write(tmp_path / "a.xlsx", [row(台账编号="S-1")]))
    read = importer._existing_cases

    def read_before_someone_else_saved(numbers):
        found = read(numbers)
        for case in found.values():
            case.version -= 1
        return found

    monkeypatch.setattr(importer, "_existing_cases", read_before_someone_else_saved)
    with pytest.raises(InputRejected) as caught:
        run(write(tmp_path / "b.xlsx", [row(台账编号="S-1", 信访事项="新的诉求")]))
    problem = caught.value.problems.items[0]
    assert (problem.row, problem.column) == (4, "台账编号") and "重新导入" in problem.message
    assert Case.objects.get().summary == "不服判决，要求再审"
    assert not AuditEntry.objects.filter(action="case.update").exists()


def test_a_large_import_gives_postgresql_s_planner_fresh_statistics(city, tmp_path, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    """Without them, the services' reads right after an import of 100,000 rows scanned whole tables."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no statistics unless ANALYZE is run by hand")
    monkeypatch.setattr("qingji.lib.bulk.ANALYSE_ROWS", 3)

    def planned_rows():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'ledger_casepetitioner'")
            return cursor.fetchone()[0]

    before = planned_rows()
    with django_capture_on_commit_callbacks(execute=True):
        run(write(tmp_path / "l.xlsx", [row(台账编号=f"A-{i}", 信访人=f"甲{i}、乙{i}") for i in range(4)]))
    assert before != 8 and planned_rows() == 8 == CasePetitioner.objects.count()


def test_imported_dates_become_the_history_reports_use(city, tmp_path):
    run(write(tmp_path / "l.xlsx", [row(台账编号="H-1", 登记时间="2012-01-05", 办理状态="已结已息",
                                        化解方式="书面保证息诉罢访", 办结时间="2012-02-10")]))
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2012, 1, 31))["settled"] == 0
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2012, 2, 29))["settled"] == 1


def test_a_user_imports_only_into_their_scope(city, users, tmp_path, reader):
    with pytest.raises(InputRejected) as caught:
        run(write(tmp_path / "l.xlsx", [row(责任单位="QH-HY-FY")]), actor=users["court_a"])
    assert "管辖范围" in caught.value.problems.items[0].message


def test_a_dry_run_counts_but_writes_nothing(city, tmp_path):
    result = run(write(tmp_path / "l.xlsx", [row(台账编号="DR-1")]), dry_run=True)
    assert result.created == 1 and not Case.objects.exists()


def test_officials_are_found_in_the_nearest_unit_so_a_second_import_changes_nothing(city, tmp_path):
    """A court's 王芳 and the intermediate court's 王芳(院长) are two people: each case keeps its own."""
    path = write(tmp_path / "l.xlsx", [row(台账编号="O-1", 包案领导="王芳", 承办人="王芳"),
                                       row(台账编号="O-2", 责任单位="QH-ZY", 包案领导="王芳(院长)", 承办人="李强")])
    run(path)
    result = run(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    first, second = (Case.objects.get(ledger_no=n).responsibility.lead_official for n in ("O-1", "O-2"))
    assert (first.org.code, first.title, second.org.code, second.title) == ("QH-QY-FY", "", "QH-ZY", "院长")


def test_a_large_workbook_is_written_in_batches_with_the_same_history(city, tmp_path, reader):
    """More rows than one batch; repeat petitioners across batches are matched, not duplicated."""
    from qingji.exchange.importer import BATCH_SIZE
    from qingji.exchange.sample import write_sample_workbook

    count = BATCH_SIZE + 500
    path = write_sample_workbook(tmp_path / "big.xlsx", count, ["QH-QY-FY", "QH-HY-FY"])
    done = []
    result = import_ledger(path, path.name, progress=done.append)
    assert result.created == count and done == [BATCH_SIZE, count]
    numbers = Petitioner.objects.exclude(id_number_digest="").values_list("id_number_digest", flat=True)
    assert len(numbers) == len(set(numbers)) < count
    assert StatusPeriod.objects.filter(valid_to__isnull=True).count() == count
    closed = Case.objects.filter(status=CaseStatus.CLOSED_SETTLED).first()
    assert list(closed.status_periods.values_list("status", flat=True)) == [
        CaseStatus.REGISTERED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED_SETTLED]
    assert AuditEntry.objects.filter(action="case.register").count() == count
    assert AuditEntry.objects.filter(action="case.record_status").count() == \
        Case.objects.exclude(status=CaseStatus.IN_PROGRESS).count()
    assert not list(verify_chain())
    assert run(path).unchanged == count


def test_batches_written_in_the_background_interleave_with_updates_in_row_order(city, tmp_path, reader, monkeypatch):
    """Batches of two rows: new cases are inserted by the background writer while the next batch is read,
    an edited case's details are written with them, a changed status goes through the services in between;
    keys, petitioners and the audit chain come out as if every row had been written one by one."""
    monkeypatch.setattr("qingji.exchange.importer.BATCH_SIZE", 2)
    first, second = valid_id_number(seq=1), valid_id_number(seq=2)
    run(write(tmp_path / "a.xlsx", [row(台账编号="K-1"), row(台账编号="K-2"), row(台账编号="K-0")]))
    rows = [
        row(台账编号="K-3", 信访人="周一", 身份证号=first),
        row(台账编号="K-1", 信访事项="改了的事项"),  # its details changed: written with the batch
        row(台账编号="K-4", 信访人="周二", 身份证号=second, 包案领导="欧阳新(副院长)"),  # an official not yet known
        row(台账编号="K-5", 信访人="周一", 身份证号=first),  # the petitioner of K-3, written by an earlier batch
        row(台账编号="K-2", 办理状态="已结已息", 化解方式="批准终结", 办结时间="2012-04-01",
            司法救助金额="5000"),  # aid, and so all of it, through the services
        row(台账编号="K-6", 信访人="周三", 办理状态="已结已息", 化解方式="书面保证息诉罢访", 办结时间="2012-05-01",
            包案领导="欧阳新(副院长)"),  # the same, made by an earlier batch
        row(台账编号="K-0"),  # unchanged
    ]
    result = run(write(tmp_path / "b.xlsx", rows))
    assert (result.created, result.updated, result.unchanged) == (4, 2, 1)
    cases = {c.ledger_no: c for c in Case.objects.all()}
    assert result.case_ids == [cases[n].pk for n in ("K-3", "K-1", "K-4", "K-5", "K-2", "K-6", "K-0")]
    assert cases["K-1"].summary == "改了的事项"
    assert (cases["K-2"].status, cases["K-2"].closed_on) == (CaseStatus.CLOSED_SETTLED, dt.date(2012, 4, 1))
    assert cases["K-2"].aid.get().amount == 5000
    assert cases["K-3"].petitioners.get() == cases["K-5"].petitioners.get()
    assert Petitioner.objects.filter(name="周一").count() == 1
    assert cases["K-6"].status == CaseStatus.CLOSED_SETTLED
    assert cases["K-4"].responsibility.handlers.count() == 2
    made = Official.objects.get(name="欧阳新")
    assert (made.title, made.org.code) == ("副院长", "QH-QY-FY")
    assert cases["K-4"].responsibility.lead_official == cases["K-6"].responsibility.lead_official == made
    # The audit entries follow the rows: K-1's edit comes after K-3's registration, before K-4's; K-2's
    # new status (the services') after K-5's registration.
    order = [e.object_repr for e in AuditEntry.objects.filter(
        action__in=("case.register", "case.update", "case.record_status"), object_type="case").order_by("seq")]
    assert order[-7:] == ["K-3", "K-1", "K-4", "K-5", "K-2", "K-6", "K-6"]
    assert not list(verify_chain())
    assert run(write(tmp_path / "b.xlsx", rows)).unchanged == 7


def test_the_command_adds_the_imported_cases_to_a_campaign_and_nothing_when_refused(city, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from qingji.campaigns.models import CampaignCase
    from qingji.campaigns.services import campaign_create

    campaign = campaign_create(actor=None, code="QJ-2012", name="清积行动", organiser=city["QH-ZFW"],
                               starts_on=dt.date(2012, 4, 1), ends_on=dt.date(2012, 12, 31))
    bad = write(tmp_path / "bad.xlsx", [row(台账编号="C-9", 责任单位="不存在的法院")])
    with pytest.raises(SystemExit):
        call_command("import_ledger", str(bad), "--campaign", "QJ-2012", stdout=StringIO(), stderr=StringIO())
    assert not CampaignCase.objects.filter(campaign=campaign).exists()
    good = write(tmp_path / "good.xlsx", [row(台账编号="C-1"), row(台账编号="C-2")])
    call_command("import_ledger", str(good), "--campaign", "QJ-2012", stdout=StringIO())
    members = CampaignCase.objects.filter(campaign=campaign)
    assert sorted(members.values_list("case__ledger_no", flat=True)) == ["C-1", "C-2"]
    assert all(members.values_list("by_hand", flat=True))
