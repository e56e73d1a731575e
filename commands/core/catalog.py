"""Every command module, imported once so that each declares its commands in `REGISTRY`."""

from commands.alerts import digest  # noqa: F401
from commands.core.registry import REGISTRY
from commands.slash import (  # noqa: F401
    chart,
    forecasts,
    gap,
    help,
    leaderboard,
    model,
    race,
    sources,
    subscriptions,
)
from commands.slash.admin import audit, data, facts, imports  # noqa: F401

__all__ = ["REGISTRY"]
