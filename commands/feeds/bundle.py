"""The bundled dataset on a first start: the articles, then Epoch AI's Capabilities Index.

The ECI file goes in through the ordinary import path (checked, one audited change by the
seed, undoable), so a fresh database answers `/race` with real time lags.
`RACEWATCH_BUNDLED=articles` leaves it out (the tests' golden answers are built on that).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from storage.engine.db import Database
from storage.engine.setup import prepare
from storage.seed import BUNDLES, EPOCH_ECI, SEED_ACTOR

if TYPE_CHECKING:
    from commands.imports.pipeline import ImportReport

EPOCH_BENCHMARK = "ECI"


async def load_epoch(db: Database, now: datetime | None = None) -> ImportReport:
    """Import the bundled ECI file as the seed (idempotent: a second load changes nothing)."""
    from commands.imports.pipeline import import_file  # a first start's work, not every start's

    return await import_file(
        db, EPOCH_ECI, benchmark=EPOCH_BENCHMARK, actor=SEED_ACTOR, now=now or datetime.now(UTC)
    )


async def prepare_bundled(db: Database, bundled: str = "full", now: datetime | None = None) -> bool:
    """Migrate; fill a new database with the bundle (`full`: articles and ECI). Was it new?"""
    if bundled not in BUNDLES:
        raise ValueError(f"unknown bundle {bundled!r}: one of {', '.join(BUNDLES)}")
    if not await prepare(db, now):
        return False
    if bundled == "full":
        await load_epoch(db, now)
    return True
