"""Start-up skips Alembic when the database already stands at the newest migration."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from storage.engine.db import Database
from storage.engine.setup import alembic_config, at_head, head_revision, migrate


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_a_new_database_is_not_at_head_until_migrated(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/new.db")
    try:
        assert not await at_head(db)
        await migrate(db)
        assert await at_head(db)
    finally:
        await db.close()


async def test_a_prepared_database_is_at_head(db: Database) -> None:
    assert await at_head(db)
