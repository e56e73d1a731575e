"""The interpreter's settings while a bulk import runs, restored when the last one ends.

An import checks rows in Python while SQLite writes the pages already checked in
aiosqlite's thread, and makes a million small objects that live until it ends:
- the cyclic garbage collector would walk those objects over and over for nothing (5% of a
  20,000-row import), so it pauses;
- SQLite's thread needs Python's lock back after each page it writes, and by default waits
  up to 5 ms for the checking thread to let go of it: with 2 ms it keeps up (a 100,000-row
  import measured 4-8% faster than with 5 ms, in batches of runs side by side; 1 and 3 ms
  did as well as 2; benchmarks/import.py).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SWITCH_INTERVAL = 0.002  # seconds a thread holds Python's lock when another waits for it

_running = 0  # bulk imports running in this process (they may overlap in the bot)
_saved: tuple[bool, float] = (True, 0.005)  # the settings before the first of them


@contextmanager
def bulk_mode() -> Iterator[None]:
    """Pause the cyclic collector and switch threads sooner until the last import ends."""
    global _running, _saved
    if _running == 0:
        _saved = (gc.isenabled(), sys.getswitchinterval())
        gc.disable()
        sys.setswitchinterval(min(SWITCH_INTERVAL, _saved[1]))
    _running += 1
    try:
        yield
    finally:
        _running -= 1
        if _running == 0:
            collector_was_on, interval = _saved
            sys.setswitchinterval(interval)
            if collector_was_on:
                gc.enable()
