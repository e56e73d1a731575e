"""The installed `racewatch` enters through bot.start: the command line as before, with the
garbage collector on again once it has loaded."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_script_enters_through_bot_start() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"racewatch": "bot.start:main"}


def test_the_command_line_runs_and_the_collector_is_back_on(tmp_path: Path) -> None:
    code = "import gc; from bot.start import main; status = main(); print(gc.isenabled(), status)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "usage: racewatch" in done.stdout  # `racewatch` alone: its help
    assert done.stdout.splitlines()[-1] == "True 0"
