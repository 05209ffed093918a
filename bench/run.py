"""Measure qingji on the current database (DATABASE_URL) against DESIGN.md "Performance targets".

    python -m bench.run [--cases N] [--json FILE] [--repeat 15] [--import-rows R] [--export-rows R]

With --cases, a database without the benchmark province is first filled by bench.generate.
Each figure is timed after warm-up over several repetitions (median and p95, nearest rank);
the ledger page and the summary report are also timed as hand-written SQL (bench.floors), the
floor, and reported as a ratio. Import and export run in a child process each, which reports
its wall time and peak resident memory (ru_maxrss) beside its memory before the work.
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import setup_django

TARGETS_MS = {"ledger": 50.0, "summary": 1000.0, "dashboard": 300.0}
IMPORT_TARGET_S, EXPORT_TARGET_S, TARGET_ROWS = 20.0, 15.0, 100_000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def timed(fn: Callable[[], object], repeat: int, warmup: int = 2) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    # CPU time of this process (Python, and SQLite, which runs in-process; not the PostgreSQL server):
    # steadier than wall time on a shared machine.
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2),
            "min_ms": round(min(samples), 2), "cpu_median_ms": round(statistics.median(cpu), 2), "n": repeat}


class QueryCounter:
    """Counts the SQL statements run inside the block (also across a test-client request, which
    resets Django's own query log)."""

    def __enter__(self) -> "QueryCounter":
        from django.db import connection

        self.count = 0
        self._context = connection.execute_wrapper(self._wrapper)
        self._context.__enter__()
        return self

    def _wrapper(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def machine() -> dict[str, Any]:
    from django.db import connection

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        db_version = cursor.fetchone()[0]
    return {"cpu": cpu, "nproc": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "python": platform.python_version(), "database": db_version.split(" on ")[0]}


# ---------------------------------------------------------------- ledger page and reports

def ledger_scenarios(search_word: str) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    """(name, floor arguments, GET parameters)."""
    from qingji.ledger.models import OPEN_STATUSES

    return [
        ("first page", {}, {}),
        ("status+source", {"statuses": sorted(OPEN_STATUSES), "sources": ["city_committee"]},
         {"status": "open", "source": "city_committee"}),
        ("deadline, page 50", {"sort": "deadline", "page": 50}, {"sort": "deadline", "page": "50"}),
        (f"search “{search_word}”", {"q": search_word}, {"q": search_word}),
    ]


def search_word() -> str:
    """A two-character name that occurs in the province (the commonest among the first petitioners)."""
    from collections import Counter

    from qingji.ledger.models import Petitioner

    names = Petitioner.objects.order_by("id").values_list("name", flat=True)[:5000]
    common = Counter(n for n in names if len(n) == 2).most_common(1)
    return common[0][0] if common else "王伟"


def measure_ledger(accounts: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    from django.test import Client

    from bench import floors

    word = search_word()
    results = []
    for key, user in accounts.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for name, floor_args, params in ledger_scenarios(word):
            def request(params: dict[str, str] = params, client: Client = client) -> None:
                response = client.get("/cases/", params)
                assert response.status_code == 200, response.status_code

            with QueryCounter() as queries:
                request()
            page = timed(request, repeat)
            floor = timed(lambda a=floor_args, o=user.org: floors.ledger_page(o, **a), repeat)
            total, _rows = floors.ledger_page(user.org, **floor_args)
            results.append({
                "figure": "ledger", "account": key, "scenario": name, "cases": total, **page,
                "queries": len(queries), "floor_median_ms": floor["median_ms"], "floor_p95_ms": floor["p95_ms"],
                "ratio": round(page["median_ms"] / max(floor["median_ms"], 0.01), 1),
                "target_ms": TARGETS_MS["ledger"], "met": page["p95_ms"] <= TARGETS_MS["ledger"],
            })
            _progress(results[-1])
    return results


def measure_checkpoints() -> dict[str, Any]:
    """Bring the summary's checkpoints up to yesterday (what the daily job does), timed once."""
    from qingji.reports import checkpoints

    started, cpu = time.perf_counter(), time.process_time()
    made = checkpoints.refresh()
    row = {"figure": "checkpoints", "account": "—", "scenario": "daily refresh",
           "note": f"{sum(made.values())} computed in {time.perf_counter() - started:.1f} s "
                   f"({time.process_time() - cpu:.1f} s CPU)"}
    print(f"  checkpoints: {row['note']}", flush=True)
    return row


def measure_summary(accounts: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    from django.utils import timezone

    from bench import floors
    from qingji.reports.selectors import summary

    today = timezone.localdate()
    past = today.replace(year=today.year - 2, month=6, day=30)
    # A day far from any checkpoint: mid-month, older than the recent Sundays (reports/checkpoints.py).
    mid_month = today.replace(year=today.year - 1, month=3, day=17)
    results = [measure_checkpoints()]
    for key in ("city", "province"):
        org = accounts[key].org
        for label, day in (("today", today), (f"as of {past}", past), (f"as of {mid_month}", mid_month)):
            with QueryCounter() as queries:
                report = summary(org=org, as_of=day)
            figures = timed(lambda o=org, d=day: summary(org=o, as_of=d), repeat)
            # The floor reads every case in scope: a few runs are enough (20–40 s each at 1,000,000 on SQLite).
            floor = timed(lambda o=org, d=day: floors.summary(o, d), min(repeat, 3), warmup=1)
            assert floors.summary(org, day) == report["total"], "floor and summary disagree"
            results.append({
                "figure": "summary", "account": key, "scenario": label, "cases": report["total"], **figures,
                "queries": len(queries), "floor_median_ms": floor["median_ms"], "floor_p95_ms": floor["p95_ms"],
                "ratio": round(figures["median_ms"] / max(floor["median_ms"], 0.01), 1),
                "target_ms": TARGETS_MS["summary"], "met": figures["p95_ms"] <= TARGETS_MS["summary"],
            })
            _progress(results[-1])
    return results


def measure_dashboard(accounts: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    from django.test import Client

    results = []
    for key, user in accounts.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)

        def request(client: Client = client) -> None:
            response = client.get("/")
            assert response.status_code == 200, response.status_code

        with QueryCounter() as queries:
            request()
        figures = timed(request, repeat)
        results.append({"figure": "dashboard", "account": key, "scenario": "GET /", **figures,
                        "queries": len(queries), "target_ms": TARGETS_MS["dashboard"],
                        "met": figures["p95_ms"] <= TARGETS_MS["dashboard"]})
        _progress(results[-1])
    return results


def measure_bulletin(accounts: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    """A province campaign's bulletin (qingji.campaigns.bulletins.compute: the summary restricted to
    the campaign, ranked and judged). The campaign "BENCH" takes every case unsettled as of a cut-off
    a year ago; it is made once and kept."""
    try:
        from qingji.campaigns import bulletins
        from qingji.campaigns.models import Campaign
        from qingji.campaigns.services import campaign_apply_scope, campaign_create
    except ImportError:
        return [{"figure": "bulletin", "account": "province", "scenario": "province campaign",
                 "note": "not yet measurable: qingji.campaigns has no bulletin computation on this branch"}]
    from django.utils import timezone

    today = timezone.localdate()
    province = accounts["province"]
    campaign = Campaign.objects.filter(code="BENCH").first()
    if campaign is None:
        campaign = campaign_create(actor=None, code="BENCH", name="基准测试专项活动", organiser=province.org,
                                   starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31),
                                   cutoff_date=today - dt.timedelta(days=365))
        campaign_apply_scope(actor=None, campaign=campaign)
    from django.db import connection

    from qingji.reports import checkpoints

    with connection.cursor() as cursor:  # fresh statistics for the new memberships, as autovacuum would give
        cursor.execute("ANALYZE campaigns_campaigncase")
    checkpoints.refresh()  # the daily job builds the new campaign's checkpoints (measured in "checkpoints")
    members = campaign.memberships.count()
    with QueryCounter() as queries:
        bulletins.compute(campaign, today, None)
    figures = timed(lambda: bulletins.compute(campaign, today, None), repeat)
    row = {"figure": "bulletin", "account": "province", "scenario": f"campaign of {members:,} cases",
           "cases": members, **figures, "queries": len(queries), "target_ms": TARGETS_MS["summary"],
           "met": figures["p95_ms"] <= TARGETS_MS["summary"]}
    _progress(row)
    return [row]


def _progress(row: dict[str, Any]) -> None:
    floor = f"  floor {row['floor_median_ms']:8.1f} ms  ×{row['ratio']}" if "floor_median_ms" in row else ""
    print(f"  {row['figure']:<9} {row['account']:<8} {row['scenario']:<24} "
          f"median {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms{floor}", flush=True)


# ---------------------------------------------------------------- import and export (child processes)

def write_workbook(path: Path, rows: int, seed: int = 7) -> Path:
    """A ledger workbook of `rows` new cases (spec/ledger-template.md), for the province's county units."""
    import random

    from openpyxl import Workbook

    from bench.generate import id_number_for, person_name, valid_area_codes
    from bench.vocab import GRIEVANCES, PLANS
    from qingji.exchange.columns import COLUMNS
    from qingji.organisations.models import Official, Org

    rng = random.Random(seed)
    areas = valid_area_codes()
    units = list(Org.objects.filter(code__startswith="C", level="county").order_by("code").values_list("id", "code"))
    officials: dict[int, list[str]] = {}
    for org_id, name, title in Official.objects.filter(org_id__in=[u[0] for u in units]).values_list(
            "org_id", "name", "title"):
        officials.setdefault(org_id, []).append(f"{name}({title})")
    labels = [c.label for c in COLUMNS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append(["云岭省涉法涉诉信访积案台账（基准测试）"])
    sheet.append(labels)
    today = dt.date.today()
    for i in range(rows):
        org_id, code = units[rng.randrange(len(units))]
        people = officials.get(org_id) or ["张三(院长)"]
        registered = today - dt.timedelta(days=rng.randint(30, 1500))
        closed = rng.random() < 0.5
        closing = min(registered + dt.timedelta(days=rng.randint(20, 400)), today)
        values = {
            "seq": i + 1, "ledger_no": f"IMP-{code}-{i + 1:06d}", "petitioner": person_name(20_000_000 + i),
            "id_number": id_number_for(20_000_000 + i, areas), "summary": rng.choice(GRIEVANCES),
            "category": "民间借贷", "source": "市委政法委交办", "registered_on": registered.isoformat(),
            "handling_org": code, "lead_official": people[0], "handlers": "、".join(people[2:4]),
            "plan": rng.choice(PLANS), "deadline": (registered + dt.timedelta(days=180)).isoformat(),
            "status": "已结已息" if closed else "未结未息", "method": "书面保证息诉罢访" if closed else "",
            "closed_on": closing.isoformat() if closed else "", "aid": "20000" if rng.random() < 0.03 else "",
        }
        sheet.append([values.get(c.field, "") for c in COLUMNS])
    workbook.save(path)
    return path


def child(task: str, argument: str, rows: int) -> None:
    """Run in a child process: one import or export; print JSON with time and memory."""
    import resource

    setup_django()
    from qingji.accounts.models import User
    from qingji.ledger.selectors import visible_cases

    user = User.objects.get(username="bench_province")
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if task == "import":
        from qingji.exchange.importer import import_ledger

        result = import_ledger(Path(argument), Path(argument).name, actor=user, dry_run=True)
        count = result.created + result.updated + result.unchanged
    else:
        from qingji.exchange.exporter import export_cases

        cases = visible_cases(user)
        first = cases.order_by("pk").values_list("pk", flat=True).first() or 0
        cases = cases.filter(pk__lt=first + rows)
        count = export_cases(cases, Path(argument), title="benchmark export")
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": count, "seconds": round(seconds, 2), "rss_before_mb": round(before_kb / 1024, 1),
                      "rss_peak_mb": round(peak_kb / 1024, 1)}))


def run_child(task: str, argument: str, rows: int) -> dict[str, Any]:
    completed = subprocess.run(  # noqa: S603 - our own module, in the same interpreter
        [sys.executable, "-m", "bench.run", "--child", task, argument, "--import-rows", str(rows),
         "--export-rows", str(rows)], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_exchange(import_rows: int, export_rows: int) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if import_rows:
            workbook = write_workbook(Path(tmp) / "bench-import.xlsx", import_rows)
            figures = run_child("import", str(workbook), import_rows)
            target = IMPORT_TARGET_S * import_rows / TARGET_ROWS
            results.append({"figure": "import", "account": "province", "scenario": f"{import_rows:,} rows (dry run)",
                            **figures, "target_s": round(target, 2),
                            "met": "seconds" in figures and figures["seconds"] <= target})
            print(f"  import    {import_rows:,} rows: {figures}", flush=True)
        if export_rows:
            figures = run_child("export", str(Path(tmp) / "bench-export.xlsx"), export_rows)
            target = EXPORT_TARGET_S * export_rows / TARGET_ROWS
            results.append({"figure": "export", "account": "province", "scenario": f"{export_rows:,} rows",
                            **figures, "target_s": round(target, 2),
                            "met": "seconds" in figures and figures["seconds"] <= target})
            print(f"  export    {export_rows:,} rows: {figures}", flush=True)
    return results


# ---------------------------------------------------------------- table and main

def table(results: list[dict[str, Any]]) -> str:
    lines = [f"{'figure':<9} {'account':<8} {'scenario':<26} {'median':>9} {'p95':>9} {'cpu':>9} {'floor':>9} "
             f"{'ratio':>6} {'queries':>7} {'target':>9}  met"]
    for r in results:
        if "note" in r:
            lines.append(f"{r['figure']:<9} {r['account']:<8} {r['scenario']:<26} {r['note']}")
        elif "seconds" in r:
            lines.append(f"{r['figure']:<9} {r['account']:<8} {r['scenario']:<26} {r['seconds']:>8.1f}s "
                         f"{'':>9} {'':>9} {'':>9} {'':>6} {'':>7} {r['target_s']:>8.1f}s  "
                         f"{'yes' if r['met'] else 'NO'}"
                         f"   peak RSS {r['rss_peak_mb']} MB (before {r['rss_before_mb']} MB)")
        elif "error" in r:
            lines.append(f"{r['figure']:<9} {r['account']:<8} {r['scenario']:<26} error: {r['error']}")
        else:
            floor = f"{r['floor_median_ms']:>7.1f}ms" if "floor_median_ms" in r else f"{'':>9}"
            ratio = f"{r['ratio']:>6}" if "ratio" in r else f"{'':>6}"
            lines.append(f"{r['figure']:<9} {r['account']:<8} {r['scenario']:<26} {r['median_ms']:>7.1f}ms "
                         f"{r['p95_ms']:>7.1f}ms {r['cpu_median_ms']:>7.1f}ms {floor} {ratio} {r['queries']:>7} "
                         f"{r['target_ms']:>7.0f}ms  "
                         f"{'yes' if r['met'] else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, help="generate this many cases first if the database has none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--import-rows", type=int, help="rows of the import workbook (default: 100,000, or "
                        "cases / 10 below 1,000,000 cases)")
    parser.add_argument("--export-rows", type=int, help="rows exported (default: 100,000 or all cases if fewer)")
    parser.add_argument("--only", help="comma-separated figures: ledger,summary,dashboard,exchange,bulletin,edits "
                                       "(edits changes the database: a batch of back-dated edits, then a refresh)")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.export_rows or TARGET_ROWS)
        return
    setup_django()
    from django.core.management import call_command

    from qingji.accounts.models import User
    from qingji.ledger.models import Case

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages use the manifest, as in production
    if not User.objects.filter(username="bench_province").exists():
        if not args.cases:
            sys.exit("No benchmark province in this database: run with --cases N (or python -m bench.generate).")
        from bench.generate import generate

        generate(args.cases, args.seed)
    cases = Case.objects.count()
    accounts = {key: User.objects.select_related("org").get(username=f"bench_{key}")
                for key in ("county", "city", "province")}
    import_rows = args.import_rows if args.import_rows is not None else (
        TARGET_ROWS if cases >= 1_000_000 else max(cases // 10, 100))
    export_rows = args.export_rows if args.export_rows is not None else min(TARGET_ROWS, cases)
    info = machine() | {"cases": cases, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    print(f"{info['cases']:,} cases on {info['database']}; {info['cpu']} × {info['nproc']}, {info['ram_gb']} GB; "
          f"load average {info['load_average']}", flush=True)
    only = set(args.only.split(",")) if args.only else {"ledger", "summary", "dashboard", "exchange", "bulletin"}
    results: list[dict[str, Any]] = []
    if "ledger" in only:
        results += measure_ledger(accounts, args.repeat)
    if "summary" in only:
        results += measure_summary(accounts, max(3, args.repeat // 3))
    if "dashboard" in only:
        results += measure_dashboard(accounts, max(3, args.repeat // 3))
    if "bulletin" in only:
        results += measure_bulletin(accounts, max(3, args.repeat // 3))
    if "exchange" in only:
        results += measure_exchange(import_rows, export_rows)
    if "edits" in only:  # last: it edits the province
        from bench.edits import measure_edits

        results += measure_edits(accounts, max(3, args.repeat // 3))
    info["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    print()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, ensure_ascii=False, indent=1))
        print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
