"""Process logging: text or JSON lines, third-party chatter at WARNING, secrets masked.

Masking happens on the finished line, so a token or a database password is hidden
wherever it turns up: in our messages, in a library's, in a traceback.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

MASK = "***"
CHATTY = (
    "apscheduler",
    "discord",
    "slack_bolt",
    "slack_sdk",
    "aiohttp",
    "asyncio",
    "alembic",
    "websockets",
    # Bolt and the Slack Web API client log under our names (bot/platforms/slack): Bolt
    # logs the whole body of a request it refused at INFO.
    "bot.platforms.slack.bolt",
    "bot.platforms.slack.web",
)
URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+(?P<at>@)", re.I)
REFUSED = "Invalid request signature detected"  # Bolt, followed by the request's body


def masked_url(url: str) -> str:
    """A database URL fit to print: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return URL_PASSWORD.sub(rf"\g<head>{MASK}\g<at>", url)


class Masker:
    """Replaces known secrets and any URL's password in a finished line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # longest first, so a secret containing another is hidden whole
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, line: str) -> str:
        for secret in self.secrets:
            line = line.replace(secret, MASK)
        return URL_PASSWORD.sub(rf"\g<head>{MASK}\g<at>", line)


def refused_bodies(record: logging.LogRecord) -> bool:
    """A filter: the body of a request refused for its signature is never logged."""
    if isinstance(record.msg, str) and record.msg.startswith(REFUSED):
        record.msg, record.args = f"{REFUSED} (the request's body is not logged)", ()
    return True


class TextFormatter(logging.Formatter):
    """`2026-12-02 08:00:00,000 INFO bot.served: ...`, masked."""

    def __init__(self, mask: Masker) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.mask = mask

    def format(self, record: logging.LogRecord) -> str:
        return self.mask(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the record's `fields`, error."""

    def __init__(self, mask: Masker) -> None:
        super().__init__()
        self.mask = mask

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return self.mask(json.dumps(line, default=str))


def setup_logging(level: str, form: str = "text", secrets: Iterable[str] = ()) -> None:
    """Configure the root logger once for this process (replacing earlier handlers)."""
    mask = Masker(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(mask) if form == "json" else TextFormatter(mask))
    handler.addFilter(refused_bodies)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
