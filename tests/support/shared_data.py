"""Published files kept beside the checkout (never copied into it); tests skip without them."""

from __future__ import annotations

import os
from pathlib import Path

DATA = Path(
    os.environ.get("RACEWATCH_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)
EPOCH = DATA / "epoch_eci.csv"
