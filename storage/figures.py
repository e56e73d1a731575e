"""How every reply, caption and alert writes a figure: one rule, kept where all floors reach."""

from __future__ import annotations


def figure(value: float) -> str:
    """A score as sources give them: at least one decimal, at most two (`76.0`, `74.4`,
    `158.24`); trailing zeros beyond the first decimal dropped, thousands grouped."""
    text = f"{round(value, 2) + 0.0:,.2f}"
    return text[:-1] if text.endswith("0") else text
