"""What a process loads: a console `ask` no platform, chart or scheduler; one platform, not the other.

Each check runs in a fresh interpreter (this one has loaded everything) and reads its
`sys.modules` after the work is done.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORMS = {"discord", "slack_sdk", "slack_bolt"}
ASK_NEVER = PLATFORMS | {"matplotlib", "apscheduler", "alembic", "prompt_toolkit", "aiohttp"}
ASK_NEVER |= {"pydantic", "pydantic_settings"}  # settings are read without them
# A command loads its own module (the catalog imports it when asked), not the file import
# pipeline (a feed poll's and a first start's work) nor what a write's event handlers need.
ASK_NEVER_OURS = {"commands.imports", "commands.alerts.resolution", "storage.outbox.deliveries"}
# Nor, once a database has its default feeds, the feed kinds (a first start configures them).
ASK_NEVER_LATER = ASK_NEVER_OURS | {"commands.feeds.kinds"}
# Core only: SQLAlchemy's ORM (which its asyncio extension imports for AsyncSession) is a
# sixth of a start-up; storage.engine.aio is the async layer instead.
ASK_NEVER_SQLALCHEMY = ("sqlalchemy.orm", "sqlalchemy.ext.asyncio")

ASK = """
import json, sys
from bot.cli import main
status = main(["ask", "/gap GLM-5.2 Opus-4.8"])
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
sys.exit(status)
"""

SERVE = """
import asyncio, contextlib, json, sys
from bot import app

async def serve(database_url):
    if sys.argv[1] == "discord":
        from tests.support.discord_world import discord_settings
        from tests.support.fakes.discord_server import FakeDiscord
        fake = FakeDiscord()
        await fake.start()
        settings = discord_settings(fake, database_url=database_url, health_port=0)
    else:
        from tests.support.fakes.slack_server import FakeSlack
        from tests.support.slack_world import slack_settings
        fake = FakeSlack()
        await fake.start()
        settings = slack_settings(fake, database_url=database_url, health_port=0)
    running = asyncio.create_task(app.run(settings))
    while "bot.workers.scheduler" not in sys.modules and not running.done():
        await asyncio.sleep(0.05)  # front ends started, workers on their way
    await asyncio.sleep(0.5)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await fake.close()

asyncio.run(serve(sys.argv[2]))
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def loaded(code: str, *args: str, cwd: Path, database: Path) -> set[str]:
    """The top-level packages a fresh interpreter running `code` has loaded at its end."""
    return {
        module.split(".")[0] for module in modules_loaded(code, *args, cwd=cwd, database=database)
    }


def modules_loaded(code: str, *args: str, cwd: Path, database: Path) -> set[str]:
    """The modules a fresh interpreter running `code` has loaded at its end."""
    own = ("DISCORD_", "SLACK_", "RACEWATCH_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env |= {"RACEWATCH_DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_console_ask_loads_no_platform_chart_scheduler_or_migrations(
    db_path: Path, tmp_path: Path
) -> None:
    modules = modules_loaded(ASK, cwd=tmp_path, database=db_path)
    tops = {module.split(".")[0] for module in modules}

    assert {"bot", "commands", "storage", "sqlalchemy"} <= tops  # it did run
    assert tops & ASK_NEVER == set()
    assert {m for m in modules if m.startswith("commands.slash.")} == {"commands.slash.gap"}
    assert modules & ASK_NEVER_OURS == set()
    assert {m for m in modules if m.startswith(ASK_NEVER_SQLALCHEMY)} == set()
    assert "commands.feeds.kinds" in modules  # this first ask configured the default feeds

    later = modules_loaded(ASK, cwd=tmp_path, database=db_path)
    assert later & ASK_NEVER_LATER == set()
    assert {m for m in later if m.startswith(ASK_NEVER_SQLALCHEMY)} == set()


def test_ask_on_a_new_database_migrates_it(tmp_path: Path) -> None:
    """Alembic still loads when there is something to migrate."""
    modules = loaded(ASK, cwd=tmp_path, database=tmp_path / "new.db")

    assert "alembic" in modules
    assert modules & PLATFORMS == set()


def test_a_discord_only_process_never_loads_slack(db_path: Path, tmp_path: Path) -> None:
    modules = loaded(SERVE, "discord", f"sqlite:///{db_path}", cwd=tmp_path, database=db_path)

    assert "discord" in modules
    assert modules & {"slack_sdk", "slack_bolt"} == set()


def test_a_slack_only_process_never_loads_discord(db_path: Path, tmp_path: Path) -> None:
    modules = loaded(SERVE, "slack", f"sqlite:///{db_path}", cwd=tmp_path, database=db_path)

    assert {"slack_sdk", "slack_bolt"} <= modules
    assert "discord" not in modules
