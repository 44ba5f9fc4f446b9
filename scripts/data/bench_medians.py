"""Reads the runs `scripts/bench` wrote (BACKEND-N.json and BACKEND-N.time) and prints, for each
backend, the median of every figure docs/BENCHMARKS.md records, with each run's value.

Usage: python3 scripts/data/bench_medians.py OUT_DIR
"""

import json
import statistics
import sys
from pathlib import Path

FIGURES = [
    ("demo (s)", ["demo", "seconds"]),
    ("demo row by row, estimate (s)", ["demo", "row_by_row", "estimate_s"]),
    ("search app p50", ["search", "app", "p50_ms"]),
    ("search app p95", ["search", "app", "p95_ms"]),
    ("search app p99", ["search", "app", "p99_ms"]),
    ("search LIKE p50", ["search", "like", "p50_ms"]),
    ("search LIKE p95", ["search", "like", "p95_ms"]),
    ("search LIKE p99", ["search", "like", "p99_ms"]),
    ("search pg_trgm p50", ["search", "pg_trgm", "p50_ms"]),
    ("search pg_trgm p95", ["search", "pg_trgm", "p95_ms"]),
    ("search pg_trgm p99", ["search", "pg_trgm", "p99_ms"]),
    ("search index build (s)", ["search", "index", "build_s"]),
    ("search index (MB)", ["search", "index", "memory_mb"]),
    ("open page p95", ["operations", "open_page", "p95_ms"]),
    ("attach p95", ["operations", "attach", "p95_ms"]),
    ("send link p95", ["operations", "send_link", "p95_ms"]),
    ("detach p95", ["operations", "detach", "p95_ms"]),
    ("floor round trip p95", ["operations", "floor", "round_trip", "p95_ms"]),
    ("floor commit p95", ["operations", "floor", "commit", "p95_ms"]),
    ("mail app (msg/s)", ["mail", "app", "rate", "messages_per_s"]),
    ("mail lettre default (msg/s)", ["mail", "lettre_default", "messages_per_s"]),
    ("sender alone (msg/s)", ["sender", "messages_per_s"]),
    ("sender alone sent", ["sender", "sent"]),
    ("agents alone (ops/s)", ["concurrent", "alone", "operations_per_s"]),
    ("agents alone p95", ["concurrent", "alone", "all", "p95_ms"]),
    ("agents during campaign (ops/s)", ["concurrent", "during_campaign", "operations_per_s"]),
    ("agents during campaign p95", ["concurrent", "during_campaign", "all", "p95_ms"]),
    ("campaign drain (msg/s)", ["concurrent", "campaign", "messages_per_s"]),
    ("campaign sent", ["concurrent", "campaign", "sent"]),
]


def dig(value, path):
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return value


def main():
    out = Path(sys.argv[1])
    backends = sorted({path.name.rsplit("-", 1)[0] for path in out.glob("*-*.json")})
    for backend in backends:
        runs = sorted(out.glob(f"{backend}-*.json"))
        figures = [json.loads(path.read_text()) for path in runs]
        print(f"\n{backend}: {len(figures)} runs")
        for label, path in FIGURES:
            values = [dig(run, path) for run in figures]
            values = [v for v in values if v is not None]
            if values:
                shown = " · ".join(f"{v:.4g}" for v in values)
                print(f"  {label:<34} {statistics.median(values):>10.4g}   ({shown})")
        times = [path.with_suffix(".time").read_text().split() for path in runs
                 if path.with_suffix(".time").exists()]
        if times:
            wall = [float(t[0]) for t in times]
            peak = [int(t[1]) / 1024 for t in times]
            print(f"  {'whole run (s)':<34} {statistics.median(wall):>10.4g}   "
                  f"({' · '.join(f'{w:.0f}' for w in wall)})")
            print(f"  {'peak memory (MiB)':<34} {statistics.median(peak):>10.4g}")


if __name__ == "__main__":
    main()
