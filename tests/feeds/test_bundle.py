"""The full bundle on a first start: Epoch's ECI file answers /race with real time lags."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.core.caller import CONSOLE_CALLER, Caller
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply
from commands.feeds.bundle import load_epoch, prepare_bundled
from storage.engine.db import Database
from storage.seed import EPOCH_ECI
from tests.support.database import snapshot
from tests.support.processes import racewatch
from tests.support.tables import audit_entries
from tests.support.world import NOW, Ask

KIMI_LINE = "Kimi K2.5 is 7.6 months behind US (o3-pro reached that score on 2025-06-10)."
CREDIT = "Data: Epoch AI, CC BY 4.0 (epoch.ai/data)"


@pytest.fixture(scope="module")
def full_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database made the way a first start makes it, with the full bundle."""
    path = tmp_path_factory.mktemp("full") / "racewatch.db"

    async def build() -> None:
        db = Database(f"sqlite:///{path}")
        assert await prepare_bundled(db, "full", NOW)
        await db.close()

    asyncio.run(build())
    return path


@pytest.fixture
async def full_db(full_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    path = tmp_path / "full.db"
    shutil.copy(full_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    await database.close()


@pytest.fixture
def ask_full(full_db: Database) -> Ask:
    """`ask` on the fully bundled database, as the console curator."""
    dispatcher = Dispatcher(full_db, FixedClock(NOW))

    async def run(line: str, as_: Caller = CONSOLE_CALLER) -> Reply:
        return await dispatcher.run_line(line, as_)

    return run


def test_the_bundle_ships_the_file_with_its_licence_and_credit() -> None:
    folder = EPOCH_ECI.parent
    assert "Creative Commons Attribution 4.0" in (folder / "LICENSE.md").read_text()
    assert "Epoch AI" in (folder / "CREDIT.md").read_text()
    assert EPOCH_ECI.read_text().startswith("Model version,ECI Score,Release date")


def test_a_first_start_answers_race_with_real_lags(tmp_path: Path) -> None:
    result = racewatch("ask", "/race ECI", cwd=tmp_path, env={"RACEWATCH_BUNDLED": "full"})
    assert result.returncode == 0, result.stderr
    assert KIMI_LINE in result.stdout
    # the articles are there too
    again = racewatch("ask", "/race FrontierSWE", cwd=tmp_path, env={"RACEWATCH_BUNDLED": "full"})
    assert "GLM-5.2" in again.stdout


def test_articles_only_leaves_the_file_out(tmp_path: Path) -> None:
    result = racewatch("ask", "/race ECI", cwd=tmp_path)
    assert result.returncode == 1
    assert "ECI" in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_bundle_is_a_clear_configuration_error(tmp_path: Path) -> None:
    result = racewatch("ask", "/race", cwd=tmp_path, env={"RACEWATCH_BUNDLED": "everything"})
    assert result.returncode == 2
    assert "RACEWATCH_BUNDLED" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "racewatch.db").exists()


async def test_the_file_is_audited_as_the_seed_and_can_be_undone(ask_full: Ask) -> None:
    audit = await ask_full("/admin audit")
    entry = next(row for row in audit_entries(audit) if row[2] == "import epoch_eci.csv")
    assert entry[1] == "seed"
    assert KIMI_LINE in (await ask_full("/race ECI")).plain_text()
    undone = await ask_full(f"/admin undo {entry[0]}")
    assert not undone.is_error, undone.plain_text()
    assert "Kimi K2.5" not in (await ask_full("/leaderboard ECI")).plain_text()
    assert "GLM-5.2" in (await ask_full("/leaderboard FrontierSWE")).plain_text()


async def test_loading_the_file_again_changes_nothing(full_db: Database) -> None:
    before = await snapshot(full_db)
    report = await load_epoch(full_db, NOW)
    assert report.written is None
    assert await snapshot(full_db) == before


async def test_model_and_sources_credit_epoch(ask_full: Ask) -> None:
    card = await ask_full('/model "Kimi K2.5"')
    assert CREDIT in card.plain_text()
    sources = await ask_full('/sources "Kimi K2.5"')
    assert CREDIT in sources.plain_text()
    chart = await ask_full("/chart ECI")
    assert chart.image is not None and not chart.is_error
    # an article-only model cites no Epoch data, so no Epoch credit
    assert CREDIT not in (await ask_full("/model GLM-5.2")).plain_text()
