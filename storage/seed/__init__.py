"""The bundled dataset (`dataset.toml`) and tables: where they are and how to read them.

Loading it into a database is `storage.seed.load` (a new database's work, not every start's).

The bundle also ships Epoch AI's Capabilities Index (`epoch/`, CC BY 4.0, with its licence and
credit); it goes in through the import path (`commands.feeds.bundle`), not from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATASET = Path(__file__).with_name("dataset.toml")
EPOCH_ECI = Path(__file__).with_name("epoch") / "epoch_eci.csv"
WATCHED_ORGS = Path(__file__).with_name("watched_orgs.toml")
SEED_ACTOR = "seed"
# RACEWATCH_BUNDLED: what a new database is filled with (the tests use "articles")
BUNDLES = ("full", "articles")


def read_dataset(path: Path = DATASET) -> dict[str, Any]:
    import tomllib  # read on a first start and by feed polls: not on every start

    with path.open("rb") as file:
        return tomllib.load(file)


def watched_orgs(table: str = "orgs", path: Path = WATCHED_ORGS) -> dict[str, tuple[str, str]]:
    """Hugging Face organisation (or, `providers`, OpenRouter prefix) -> (lab, country), from
    the bundled, editable table."""
    import tomllib

    with path.open("rb") as file:
        rows = tomllib.load(file)[table]
    key = "hub" if table == "orgs" else "slug"
    return {row[key]: (row["lab"], row["country"]) for row in rows}
