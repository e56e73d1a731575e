"""Every command module, imported once so that each declares its commands in `REGISTRY`."""

from commands import admin, gap, help, leaderboard, model, race_cmd, sources  # noqa: F401
from commands.registry import REGISTRY

__all__ = ["REGISTRY"]
