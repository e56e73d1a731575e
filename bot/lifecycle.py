"""Stopping on SIGTERM and SIGINT: the first asks for a clean stop, a second one forces it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

log = logging.getLogger(__name__)

DRAIN_SECONDS = 10.0
"""How long commands and sends under way may take to finish after a stop is asked
(Docker waits 10 s after SIGTERM by default: set `stop_grace_period` above this)."""

SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.contextmanager
def stop_signals() -> Iterator[asyncio.Event]:
    """An event set by the first SIGTERM or SIGINT; the handlers are removed on exit, so
    a second signal stops the process the default way."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def asked(sig: signal.Signals) -> None:
        log.info("racewatch: %s received: stopping (again to force)", sig.name)
        stop.set()
        for each in SIGNALS:
            loop.remove_signal_handler(each)

    for sig in SIGNALS:
        loop.add_signal_handler(sig, asked, sig)
    try:
        yield stop
    finally:
        for sig in SIGNALS:
            loop.remove_signal_handler(sig)
