"""Every command module, imported once so that each declares its commands in `REGISTRY`."""

from commands import (  # noqa: F401
    admin,
    admin_audit,
    admin_facts,
    admin_import,
    chart,
    digest,
    forecasts,
    gap,
    help,
    leaderboard,
    model,
    race_cmd,
    sources,
    subscriptions,
)
from commands.registry import REGISTRY

__all__ = ["REGISTRY"]
