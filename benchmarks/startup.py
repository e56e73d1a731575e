"""Time `racewatch ask "/gap GLM-5.2 Opus-4.8"` as a whole process, start to exit.

Run: .venv/bin/python benchmarks/startup.py [--runs 10]
Goal (issue 13): median <= 400 ms on a 2-core machine. Each run is a fresh process on a
database file in a temporary directory that one untimed run prepared first (migrations and
the bundled dataset), so first-start seeding is not counted; the process starts in that
directory with no platform tokens and with bytecode caching on (as an installed package has
it; that first run writes the caches), as an operator's shell would run it. The CPU time
(user+sys) is printed too: on a shared, busy machine it varies less than the wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = "/gap GLM-5.2 Opus-4.8"
TOKENS = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")
LOADED = """
import sys
from bot.cli import main
status = main(["ask", sys.argv[1]])
with open(sys.argv[2], "w") as out:
    out.write("\\n".join(sorted(sys.modules)))
sys.exit(status)
"""


def racewatch() -> list[str]:
    """The installed `racewatch` script next to this interpreter, else `python -m bot.cli`."""
    script = Path(sys.executable).with_name("racewatch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def environment(workdir: Path) -> dict[str, str]:
    unset = (*TOKENS, "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["RACEWATCH_DATABASE_URL"] = f"sqlite:///{workdir / 'racewatch.db'}"
    return env


def cpu_seconds() -> float:
    """User and system time of the children reaped so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_once(workdir: Path) -> tuple[float, float]:
    """Milliseconds from starting the process to its exit, and of CPU it used."""
    cpu, started = cpu_seconds(), time.perf_counter()
    done = subprocess.run(
        [*racewatch(), "ask", LINE], cwd=workdir, env=environment(workdir), capture_output=True
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"racewatch ask failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed, (cpu_seconds() - cpu) * 1000


def loaded_modules(workdir: Path) -> list[str]:
    """Every module the same command imports (read from `sys.modules` before it exits)."""
    listing = workdir / "modules.txt"
    subprocess.run(
        [sys.executable, "-c", LOADED, LINE, str(listing)],
        cwd=workdir,
        env=environment(workdir),
        capture_output=True,
        check=True,
    )
    return listing.read_text().split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="racewatch-startup-") as tmp:
        workdir = Path(tmp)
        run_once(workdir)  # creates, migrates and seeds the database: not counted
        runs = [run_once(workdir) for _ in range(args.runs)]
        modules = loaded_modules(workdir)
    tops = {m.split(".")[0] for m in modules}
    packages = sorted(m for m in tops - sys.stdlib_module_names if not m.startswith("_"))
    times, cpu = [wall for wall, _ in runs], [used for _, used in runs]
    print(f"third-party and project packages imported ({len(packages)}): {', '.join(packages)}")
    print(f"wall ms per run: {', '.join(f'{t:.0f}' for t in times)}")
    print(f"cpu ms per run (user+sys): {', '.join(f'{t:.0f}' for t in cpu)}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"startup: median_ms={statistics.median(times):.0f} min_ms={min(times):.0f} "
        f"max_ms={max(times):.0f} cpu_median_ms={statistics.median(cpu):.0f} "
        f"modules={len(modules)}"
    )


if __name__ == "__main__":
    main()
