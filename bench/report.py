"""Markdown tables from bench.run's JSON files, for docs/performance.md.

    python -m bench.report bench/results/sqlite-100k.json bench/results/pg-100k.json ...
"""

import json
import sys
from pathlib import Path
from typing import Any


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(data: dict[str, Any]) -> str:
    m = data["machine"]
    load = m.get("load_average", ["?"])[0]
    lines = [f"**{m['cases']:,} cases, {m['database']}** ({m['date']}, load average {load} on {m['nproc']} CPUs)",
             "",
             "| figure | account | scenario | median ms | p95 ms | CPU ms | floor ms | ratio | queries | target "
             "| met |",
             "|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|"]
    for r in data["results"]:
        if "note" in r:
            lines.append(f"| {r['figure']} | {r['account']} | {r['scenario']} | {r['note']} ||||||||")
        elif "error" in r:
            lines.append(f"| {r['figure']} | {r['account']} | {r['scenario']} | error: {r['error']} ||||||||")
        elif "seconds" in r:
            lines.append(f"| {r['figure']} | {r['account']} | {r['scenario']} | {r['seconds']:.1f} s | | | | | | "
                         f"{r['target_s']:.1f} s | {'yes' if r['met'] else '**no**'} "
                         f"(peak RSS {r['rss_peak_mb']:.0f} MB, {r['rss_before_mb']:.0f} MB before) |")
        else:
            floor = _ms(r["floor_median_ms"]) if "floor_median_ms" in r else ""
            ratio = f"{r['ratio']}" if "ratio" in r else ""
            lines.append(f"| {r['figure']} | {r['account']} | {r['scenario']} | {_ms(r['median_ms'])} | "
                         f"{_ms(r['p95_ms'])} | {_ms(r.get('cpu_median_ms', 0))} | {floor} | {ratio} | "
                         f"{r.get('queries', '')} | {r['target_ms']:.0f} | {'yes' if r['met'] else '**no**'} |")
    return "\n".join(lines)


def main() -> None:
    for name in sys.argv[1:]:
        print(table(json.loads(Path(name).read_text())))
        print()


if __name__ == "__main__":
    main()
