"""Epoch rows of one model's versions: the model's date is the earliest among its
best-scoring versions (a version scoring 100 in January and 150 in June is not 150 in
January)."""

from commands.imports.pipeline import import_bytes
from storage.engine.db import Database
from tests.support.world import NOW, Ask

HEAD = (
    "Model version,ECI Score,Release date,Organization,Country,Model accessibility,"
    "Training compute (FLOP),Confidence,Model name,Description,Display name\n"
)
ROWS = (
    "kimi-x-early,100.0,2026-01-10,Moonshot,China,,,,Kimi X,,Kimi X early\n"
    "kimi-x-late,150.0,2026-06-01,Moonshot,China,,,,Kimi X,,Kimi X late\n"
    "kimi-x-again,150.0,2026-07-01,Moonshot,China,,,,Kimi X,,Kimi X again\n"
)


async def test_the_best_versions_date_is_the_models_date(db: Database, ask: Ask) -> None:
    report = await import_bytes(db, "epoch_eci.csv", (HEAD + ROWS).encode(), now=NOW)
    assert report.written is not None, report.text()
    card = (await ask("/model Kimi X")).plain_text()
    assert "2026-06-01" in card and "2026-01-10" not in card, card
