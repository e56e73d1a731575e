"""Credit lines for licensed data: CC BY asks that a reader sees who made the numbers."""

from __future__ import annotations

from collections.abc import Iterable

# (what a source's citation contains, the credit a reply shows when it draws on that source)
LICENSED = (("Epoch AI", "Data: Epoch AI, CC BY 4.0 (epoch.ai/data)"),)


def credit_lines(sources: Iterable[str]) -> tuple[str, ...]:
    """The credit of each licensed source among these citations, once each, in `LICENSED` order."""
    seen = set(sources)
    return tuple(credit for mark, credit in LICENSED if any(mark in source for source in seen))
