"""Feed kinds, one module each; importing this package registers them all in `KINDS`."""

from commands.feeds.kinds import epoch, huggingface, openrouter, rss, swebench  # noqa: F401
from commands.feeds.kinds.base import KINDS, FeedItem, FeedKind, kind_named

__all__ = ["KINDS", "FeedItem", "FeedKind", "kind_named"]
