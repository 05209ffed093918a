"""Measure the ledger import and export: wall time and peak RSS of each `qingji` command, on a fresh database
with the demonstration city, for generated workbooks of the given sizes.

    .venv/bin/python scripts/bench_exchange.py 5000 20000 100000
    .venv/bin/python scripts/bench_exchange.py --database-url postgres://postgres@127.0.0.1:5432/qingji_exch 5000

Each size: import (all new), import again (unchanged), import a copy in which every tenth row changed,
export the whole city, and verify the audit chain. PostgreSQL databases are dropped and created again
(never point this at a database you want to keep). `--code DIR` runs another checkout of qingji (e.g. an
older commit unpacked with `git archive`), for before/after figures.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
# `python -m qingji`, from the checkout on PYTHONPATH even when another one is installed in editable mode
# (setuptools' editable finder would otherwise win over PYTHONPATH for the top-level package); commands run
# in the data directory, so that no checkout in the current directory is imported either.
RUN_QINGJI = """import runpy, sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.argv[0] = "qingji"
runpy.run_module("qingji", run_name="__main__", alter_sys=True)
"""
ORGS = ["QH-QY-FY", "QH-HY-FY", "QH-AP-FY", "QH-YN-FY", "QH-ZY", "QH-JCY", "QH-GAJ", "QH-SFJ"]


class ServerCPU(threading.Thread):
    """CPU seconds of the PostgreSQL backends serving one database, sampled from /proc every 0.2 s while a
    command runs (a backend's last 0.2 s may be missed): the server's share of the work, which the client's
    CPU time leaves out."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.marker, self.seen, self.done = f" {database} ".encode(), {}, threading.Event()

    def run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.done.wait(0.2):
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    if self.marker not in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") + b" ":
                        continue
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def run(env: dict[str, str], *args: str, check: bool = True) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, output) of one `qingji` command, by /usr/bin/time. The CPU
    time is the figure to compare on a machine that other work shares."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "RSS=%M CPU=%U+%S", sys.executable, "-c", RUN_QINGJI, *args],
                          env=env, capture_output=True, text=True, cwd=env["QINGJI_DATA_DIR"])
    seconds = time.perf_counter() - started
    if check and done.returncode != 0:
        raise SystemExit(f"qingji {' '.join(args)} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    rss, user, system = re.findall(r"RSS=(\d+) CPU=([\d.]+)\+([\d.]+)", done.stderr)[-1]
    return seconds, float(user) + float(system), int(rss) // 1024, done.stdout.strip()


def fresh_database(url: str | None, data_dir: Path) -> str:
    if url is None:
        return f"sqlite:///{data_dir / 'qingji.sqlite3'}"
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if name in ("test", "postgres", ""):
        raise SystemExit(f"refusing to drop the database {name!r}")
    host = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    subprocess.run(["dropdb", *host, "--if-exists", name], check=True)
    subprocess.run(["createdb", *host, "-E", "UTF8", "-T", "template0", "--locale", "C.UTF-8", name], check=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="+", type=int)
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create (default: SQLite)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the qingji checkout to run")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "qingji-bench-exchange")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-reimport", action="store_true", help="only import, export and verify")
    parser.add_argument("--skip-changed", action="store_true", help="no re-import of the copy with changed rows")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from qingji.exchange.sample import write_sample_workbook

    options.workdir.mkdir(parents=True, exist_ok=True)
    print("| rows | database | step | wall s | CPU s | server CPU s | peak RSS (MB) | load | result |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
    for count in options.rows:
        workbook = options.workdir / f"ledger-{count}.xlsx"
        changed = options.workdir / f"ledger-{count}-changed.xlsx"
        if not workbook.exists():
            write_sample_workbook(workbook, count, ORGS)
        if not changed.exists():
            write_sample_workbook(changed, count, ORGS, change_every=10)
        data_dir = Path(tempfile.mkdtemp(dir=options.workdir, prefix=f"data-{count}-"))
        env = {**os.environ, "QINGJI_DATA_DIR": str(data_dir), "PYTHONPATH": str(options.code.resolve()),
               "DATABASE_URL": fresh_database(options.database_url, data_dir)}
        kind = "PostgreSQL" if options.database_url else "SQLite"
        run(env, "migrate", "-v", "0")
        run(env, "demo", "--no-serve", "--password", "Demo-pass-1")
        steps = [("import", ["import-ledger", str(workbook)]),
                 ("re-import unchanged", ["import-ledger", str(workbook)]),
                 ("re-import, 10% changed", ["import-ledger", str(changed)])]
        if options.skip_reimport:
            steps = steps[:1]
        elif options.skip_changed:
            steps = steps[:2]
        if not options.skip_export:
            steps.append(("export", ["export-ledger", "--org", "QH-ZFW", "--out", str(data_dir / "out.xlsx")]))
        steps.append(("audit verify", ["audit", "verify"]))
        database = urlparse(options.database_url).path.lstrip("/") if options.database_url else None
        for label, args in steps:
            sampler = ServerCPU(database) if database else None
            if sampler:
                sampler.start()
            seconds, cpu, rss, output = run(env, *args)
            server = f"{sampler.stop():.1f}" if sampler else "—"
            load = "/".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"| {count:,} | {kind} | {label} | {seconds:.1f} | {cpu:.1f} | {server} | {rss} | {load} | "
                  f"{output.splitlines()[-1][:40]} |", flush=True)


if __name__ == "__main__":
    main()
