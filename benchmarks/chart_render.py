"""Time `/chart` rendering at scale: 1,000 models across countries; prints milliseconds.

Run: .venv/bin/python benchmarks/chart_render.py [--models 1000] [--out chart.png]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commands.analysis.chart_png import render_png
from commands.analysis.chart_series import chart_series
from commands.analysis.frontier import Entry


def synthetic(count: int, seed: int = 7) -> list[Entry]:
    """`count` models over three years: US, CN and a few others, slowly improving."""
    rng = random.Random(seed)
    countries = ["US"] * 5 + ["CN"] * 4 + ["FR", "GB", "AE"]
    start = date(2023, 1, 1)
    entries = []
    for i in range(count):
        day = start + timedelta(days=rng.randrange(0, 3 * 365))
        country = rng.choice(countries)
        base = 30 + (day - start).days / 1095 * 50 - (4 if country == "CN" else 0)
        value = round(min(99.0, max(1.0, rng.gauss(base, 8))), 1)
        entries.append(Entry(f"{country}-model-{i}", country, day, value, rng.random() < 0.4))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    entries = synthetic(args.models)
    started = time.perf_counter()
    import matplotlib  # noqa: F401  (the one-off import cost, reported apart)

    print(f"matplotlib import: {(time.perf_counter() - started) * 1000:.0f} ms")
    timings = []
    png = b""
    for run in range(args.runs + 1):
        started = time.perf_counter()
        series = chart_series("Synthetic", entries, True, today=date(2026, 1, 1))
        png = render_png(series)
        elapsed = (time.perf_counter() - started) * 1000
        if run == 0:
            print(f"first render (font cache warm-up): {elapsed:.0f} ms")
        else:
            timings.append(elapsed)
    timings.sort()
    print(
        f"{args.models} models, {series.dot_count} dots:"
        f" median {timings[len(timings) // 2]:.0f} ms,"
        f" best {timings[0]:.0f} ms, worst {timings[-1]:.0f} ms; PNG {len(png) / 1024:.0f} KiB"
    )
    if args.out:
        args.out.write_bytes(png)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
