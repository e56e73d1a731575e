"""Operator mistakes (a bad setting, an unreachable database, a port in use) said plainly.

`racewatch` prints the sentence and exits 2 instead of a traceback: the operator can fix
each of these, and a traceback hides what to fix.
"""

from __future__ import annotations

import errno
import socket

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.config import SettingsError
from bot.logs import masked_url

NO_PLATFORM = (
    "no platform is configured and there is no terminal for the console: set DISCORD_TOKEN, "
    "or SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP "
    "mode), in the environment or in .env; `racewatch console` opens the console on purpose"
)
SLACK_HALF = (
    "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor "
    "SLACK_SIGNING_SECRET (HTTP mode) is: set one of them"
)

CANNOT_CONNECT = ("unable to open", "connect", "could not translate host", "password", "refused")


class OperatorError(Exception):
    """A mistake in how Racewatch was started; the message says what to change."""


def bad_settings(error: SettingsError) -> str:
    """One line a wrong setting: its variable and what is wrong (never a secret's value)."""
    lines = [f"{name}: {message}" for name, message in error.problems]
    return "bad configuration (environment or .env):\n  " + "\n  ".join(lines)


def explain(error: BaseException, database_url: str) -> str | None:
    """The operator's sentence for an error they can fix, or None for a bug (re-raised)."""
    where = masked_url(database_url)
    if isinstance(error, ModuleNotFoundError) and error.name == "asyncpg":
        return f"{where} needs the PostgreSQL driver: pip install 'racewatch[postgres]'"
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        return f"a port is already in use ({error.strerror or error}): {_ports_hint()}"
    if any(_unreachable(link) for link in _chain(error)):
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"cannot open the database {where}: {reason}"
    return None


def _unreachable(error: BaseException) -> bool:
    """Connecting failed: refused, unknown host, timeout, wrong password, no such database."""
    if isinstance(error, ConnectionError | socket.gaierror | TimeoutError):
        return True
    if isinstance(error, OperationalError | InterfaceError):
        text = str(error.orig).lower()
        return any(sign in text for sign in CANNOT_CONNECT)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    kind = type(error)
    return kind.__module__.startswith("asyncpg") and kind.__name__ in (
        "InvalidPasswordError",
        "InvalidAuthorizationSpecificationError",
        "InvalidCatalogNameError",
        "CannotConnectNowError",
        "TooManyConnectionsError",
        "ConnectionDoesNotExistError",
    )


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its causes (SQLAlchemy wraps the driver's error, which wraps the OS's)."""
    seen: list[BaseException] = []
    link: BaseException | None = error
    while link is not None and link not in seen and len(seen) < 10:
        seen.append(link)
        link = link.__cause__ or link.__context__
    return seen


def _ports_hint() -> str:
    return (
        "stop the other program, or choose another port with RACEWATCH_HEALTH_PORT "
        "(health and metrics) or SLACK_PORT (Slack HTTP mode)"
    )
