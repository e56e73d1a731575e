"""`/healthz` (alive), `/readyz` (ready to serve, or why not) and `/metrics` for operators.

Alive means the event loop answers. Ready means the database answers a query, every
configured front end is connected and the scheduler runs; a 503 says which is not.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import math
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot import metrics
from bot.config import Settings
from bot.logs import Masker
from bot.mistakes import OperatorError
from storage.engine.db import Database
from storage.outbox.backlog import backlog

log = logging.getLogger(__name__)

PROBE_SECONDS = 2.0


@dataclass
class Watched:
    """What readiness looks at: the database, the front ends by platform, the scheduler."""

    db: Database
    front_ends: Mapping[str, object] = field(default_factory=dict)
    scheduler_running: Callable[[], bool] = lambda: True


class HealthServer:
    """The operators' HTTP endpoints on RACEWATCH_HEALTH_HOST:RACEWATCH_HEALTH_PORT."""

    def __init__(self, settings: Settings) -> None:
        self.host, self.port = settings.health_host, settings.health_port
        self.mask = Masker(settings.secrets)
        self.watched: Watched | None = None
        self.state = "starting"  # starting | serving | stopping
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen (first of all, so a port in use is said before anything else starts)."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as error:
            await runner.cleanup()
            if error.errno == errno.EADDRINUSE:
                raise OperatorError(
                    f"port {self.port} on {self.host} is in use: stop the other program or "
                    "set RACEWATCH_HEALTH_PORT to a free port"
                ) from None
            raise
        self._runner = runner
        for address in runner.addresses:
            if isinstance(address, tuple) and len(address) >= 2:
                self.port = int(address[1])  # the port bound (the OS picks one for 0)
                break

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def problems(self) -> dict[str, str]:
        """Each check's state: "ok" or the reason it is not ready."""
        if self.watched is None or self.state != "serving":
            return {"process": self.state}
        w = self.watched
        checks = {"database": await self._database(w.db)}
        for platform, front in w.front_ends.items():
            checks[platform] = await _front_end(front)
        checks["scheduler"] = "ok" if w.scheduler_running() else "the scheduler is not running"
        return checks

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, _request: web.Request) -> web.Response:
        checks = await self.problems()
        ready = all(state == "ok" for state in checks.values())
        metrics.READY.set(1 if ready else 0)
        body: dict[str, Any] = {"status": "ready" if ready else "unready", "checks": checks}
        if not ready:
            body["reasons"] = [f"{k}: {v}" for k, v in checks.items() if v != "ok"]
        return web.json_response(body, status=200 if ready else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        if self.watched is not None:
            await self._refresh(self.watched)
        data, content_type = metrics.exposition()
        return web.Response(body=data, headers={"Content-Type": content_type})

    async def _database(self, db: Database) -> str:
        try:
            async with asyncio.timeout(PROBE_SECONDS), db.read() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as error:  # any failure is the reason, not a crash of the probe
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            return self.mask(f"the database does not answer: {first}")
        return "ok"

    async def _refresh(self, w: Watched) -> None:
        """Set the gauges read from the database and the front ends."""
        try:
            async with asyncio.timeout(PROBE_SECONDS), w.db.read() as conn:
                depth, oldest = await backlog(conn)
        except Exception:
            log.debug("metrics: the outbox could not be read", exc_info=True)
        else:
            age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
            metrics.outbox(depth, max(age, 0.0))
        for platform, front in w.front_ends.items():
            latency = getattr(front, "latency", None)
            if isinstance(latency, float) and math.isfinite(latency):
                metrics.gateway_latency(platform, latency)


async def _front_end(front: object) -> str:
    """A front end's own word on its connection (`unready_reason`), "ok" if it has none."""
    probe = getattr(front, "unready_reason", None)
    if probe is None:
        return "ok"
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            reason = await probe()
    except Exception as error:
        return f"its connection could not be checked: {error!r}"
    return "ok" if reason is None else str(reason)


def probe(settings: Settings, path: str) -> int:
    """`racewatch healthcheck`: 0 when the bot on the configured port answers 200, else 1
    (Docker's HEALTHCHECK protocol), with the reason on stderr."""
    host = "127.0.0.1" if settings.health_host in ("0.0.0.0", "::", "") else settings.health_host
    url = f"http://{host}:{settings.health_port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=PROBE_SECONDS * 2) as response:
            print(response.read().decode(errors="replace"))
            return 0
    except urllib.error.HTTPError as error:
        print(f"{url}: {error.code} {error.read().decode(errors='replace')}", file=sys.stderr)
    except (OSError, TimeoutError) as error:
        print(f"{url}: {error}", file=sys.stderr)
    return 1
