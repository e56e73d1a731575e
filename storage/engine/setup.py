"""Bring a database up to date: apply migrations, then load the bundled dataset if it is new."""

from __future__ import annotations

import re
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from storage.bulk.staging import clean_abandoned
from storage.engine.db import Database
from storage.engine.locks import PREPARE_LOCK, one_at_a_time
from storage.models import count_models

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parents[1] / "migrations"
REVISION = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.*?)\s*$", re.MULTILINE)
LITERAL = re.compile(r"""^(?:"([^"]*)"|'([^']*)'|(None))$""")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration, read from the files' `revision` lines without loading Alembic
    (a tenth of a start-up); None unless the revisions form one plain chain."""
    downs: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found: dict[str, str | None] = {}
        for name, value in REVISION.findall(path.read_text()):
            literal = LITERAL.match(value)
            if literal is None or name in found:
                return None
            found[name] = None if literal[3] else (literal[1] or literal[2])
        revision = found.get("revision")
        if revision is None or "down_revision" not in found or revision in downs:
            return None
        downs[revision] = found["down_revision"]
    heads = set(downs) - set(downs.values())
    return heads.pop() if len(heads) == 1 else None


async def at_head(db: Database) -> bool:
    """Whether the database already stands at the newest migration (then nothing to do)."""
    head = head_revision()
    if head is None:
        return False
    try:
        async with db.read() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    except SQLAlchemyError:  # no such table yet: a new database
        return False
    return [row[0] for row in versions] == [head]


async def migrate(db: Database) -> None:
    """Apply every Alembic revision not yet applied (`racewatch db upgrade` and every start);
    a database already at the newest one is left alone without loading Alembic. Then the
    rows of an import that died while being written go (storage.bulk.staging)."""
    if not await at_head(db):
        from alembic import command

        def upgrade(connection: Connection) -> None:
            command.upgrade(alembic_config(connection), "head")

        async with db.engine.begin() as conn:
            await conn.run_sync(upgrade)
    await clean_abandoned(db)


async def prepare(db: Database, now: datetime | None = None) -> bool:
    """Migrate, and fill a database that has no models with the bundled dataset.

    Returns whether the dataset was loaded. On PostgreSQL, processes starting together
    take turns (an advisory lock): the first migrates and seeds, the others find it done.
    """
    async with _one_at_a_time(db):
        await migrate(db)
        async with db.read() as conn:
            if await count_models(conn):
                return False
        from storage.seed.load import load_seed  # the dataset's writer, for a new database only

        await load_seed(db, now)
        return True


def _one_at_a_time(db: Database) -> AbstractAsyncContextManager[None]:
    if db.is_sqlite:  # one process owns a SQLite file
        return nullcontext()
    return one_at_a_time(db.url, PREPARE_LOCK, "racewatch prepare")
