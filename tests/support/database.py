"""Database helpers for tests: every row at once, and a database lost as an accident would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from storage.engine.db import Database
from storage.engine.schema import metadata


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare before and after to prove nothing was written."""
    async with db.read() as conn:
        return {
            name: sorted(
                tuple(map(str, row)) for row in await conn.execute(text(f"SELECT * FROM {name}"))
            )
            for name in metadata.tables
        }


def wipe(path: Path) -> None:
    """Delete a database as an accident would: the file and its WAL companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
