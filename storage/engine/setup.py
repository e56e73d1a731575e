"""Bring a database up to date: apply migrations, then load the bundled dataset if it is new."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from storage.engine.db import Database
from storage.models import count_models
from storage.seed import load_seed

MIGRATIONS = Path(__file__).parents[1] / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def migrate(db: Database) -> None:
    """Apply every Alembic revision not yet applied (`racewatch db upgrade` and every start)."""

    def upgrade(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), "head")

    async with db.engine.begin() as conn:
        await conn.run_sync(upgrade)


async def prepare(db: Database, now: datetime | None = None) -> bool:
    """Migrate, and fill a database that has no models with the bundled dataset.

    Returns whether the dataset was loaded.
    """
    await migrate(db)
    async with db.read() as conn:
        if await count_models(conn):
            return False
    await load_seed(db, now)
    return True
