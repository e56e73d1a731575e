"""Every command module, by the root name of the commands it declares in `REGISTRY`.

The registry imports a root's modules when a command under it is first looked up, and all of
them when every command is listed (/help, the Discord tree, the Slack manifest): a console
`racewatch ask "/gap ..."` loads commands/slash/gap.py, not the other nineteen modules and
what they import (a tenth of its start-up). A new command module is a line here; a test
(tests/core/test_catalog.py) checks the lines against what the modules declare.
"""

from commands.core.registry import REGISTRY

SLASH = "commands.slash"
ADMIN = tuple(
    f"{SLASH}.admin.{name}" for name in ("audit", "data", "facts", "feeds", "imports", "review")
)
MODULES: dict[str, tuple[str, ...]] = {
    "admin": ADMIN,
    "benchmarks": (f"{SLASH}.benchmarks",),
    "chart": (f"{SLASH}.chart",),
    "digest": (f"{SLASH}.digest",),
    "forecasts": (f"{SLASH}.forecasts",),
    "gap": (f"{SLASH}.gap",),
    "help": (f"{SLASH}.help",),
    "leaderboard": (f"{SLASH}.leaderboard",),
    "model": (f"{SLASH}.model",),
    "models": (f"{SLASH}.models",),
    "news": (f"{SLASH}.news",),
    "race": (f"{SLASH}.race",),
    "sources": (f"{SLASH}.sources",),
    "subscribe": (f"{SLASH}.subscriptions",),
    "subscriptions": (f"{SLASH}.subscriptions",),
    "timeline": (f"{SLASH}.timeline",),
    "unsubscribe": (f"{SLASH}.subscriptions",),
}
REGISTRY.declare(MODULES)

__all__ = ["MODULES", "REGISTRY"]
