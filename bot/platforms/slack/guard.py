"""HTTP mode's first check: a request Bolt cannot read is refused before it runs anything."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds; Bolt's int() would raise on `1e99`

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def refuse_unreadable(request: web.Request, handler: Handler) -> web.StreamResponse:
    """401 for a timestamp that is not Unix seconds, 400 for a body that is not UTF-8."""
    stamp = request.headers.get("X-Slack-Request-Timestamp", "")
    if not _TIMESTAMP.fullmatch(stamp):
        log.warning("Slack: refused a request whose timestamp is %r", stamp[:40])
        return web.Response(status=401, text="invalid X-Slack-Request-Timestamp")
    try:
        (await request.read()).decode("utf-8")
    except UnicodeDecodeError:
        log.warning("Slack: refused a request whose body is not UTF-8")
        return web.Response(status=400, text="the request body is not UTF-8")
    return await handler(request)
