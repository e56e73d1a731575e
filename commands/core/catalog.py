"""Every command module, imported once so that each declares its commands in `REGISTRY`."""

from commands.core.registry import REGISTRY
from commands.slash import (  # noqa: F401
    benchmarks,
    chart,
    digest,
    forecasts,
    gap,
    help,
    leaderboard,
    model,
    models,
    news,
    race,
    sources,
    subscriptions,
    timeline,
)
from commands.slash.admin import audit, data, facts, feeds, imports, review  # noqa: F401

__all__ = ["REGISTRY"]
