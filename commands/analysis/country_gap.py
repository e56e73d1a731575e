"""How far behind one country is across benchmarks: the one line `/race` opens with.

Pure: it takes each benchmark's entries (already cut to a date when asked "as of") and
applies the lag rule per benchmark; the median and range are over the benchmarks where the
trailing country is behind, with dated scores on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from commands.analysis import frontier as race


@dataclass(frozen=True)
class CountryGap:
    """`trailer`'s lag behind `leader`, benchmark by benchmark, in months."""

    leader: str
    trailer: str
    behind: tuple[float, ...]  # months, one per benchmark where `trailer` is behind
    ahead: int  # benchmarks where `trailer` leads (the leader never reached its best)

    @property
    def compared(self) -> int:
        return len(self.behind) + self.ahead

    @property
    def median(self) -> float | None:
        import statistics  # with fractions and decimal: not for every command's start-up

        return round(statistics.median(self.behind), 1) if self.behind else None


def country_gap(
    benchmarks: Sequence[tuple[bool, Sequence[race.Entry]]], leader: str = "US", trailer: str = "CN"
) -> CountryGap:
    """`benchmarks`: (higher_is_better, entries) per benchmark; undated entries are ignored."""
    behind: list[float] = []
    ahead = 0
    for higher, entries in benchmarks:
        dated = [e for e in entries if e.released is not None]
        mine = [e for e in dated if e.country == trailer]
        rivals = [e for e in dated if e.country == leader]
        top = race.best(mine, higher)
        if top is None or not rivals:
            continue
        lag = race.lag(top, rivals, leader, higher)
        if lag.status is race.LagStatus.BEHIND and lag.months is not None:
            behind.append(lag.months)
        elif lag.status is race.LagStatus.LEADS:
            ahead += 1
    return CountryGap(leader, trailer, tuple(behind), ahead)


def gap_line(
    now: CountryGap, year_ago: CountryGap | None = None, names: tuple[str, str] | None = None
) -> str:
    """`CN is a median 6.1 months behind the US across 9 benchmarks, range 1.1-13.4; a year
    ago 8.0.` (or that CN leads, or that no benchmark has dated scores on both sides).
    `names`: how to call the trailing and the leading side (`CN`, `the US`)."""
    trail, lead = names or (now.trailer, f"the {now.leader}")
    verb = "are" if trail.endswith("s") else "is"
    if now.compared == 0:
        return f"No benchmark has dated scores of both {trail} and {lead} yet."
    if now.median is None:
        leads = "lead" if verb == "are" else "leads"
        return f"{trail} {leads} {lead} on all {now.ahead} benchmarks with dated scores of both."
    count = len(now.behind)
    text = (
        f"{trail} {verb} a median {now.median:.1f} months behind {lead} across {count} "
        f"benchmark{'s' if count != 1 else ''}"
    )
    if count > 1:
        text += f", range {min(now.behind):.1f}-{max(now.behind):.1f}"
    if now.ahead:
        text += f"; {trail} lead{'' if verb == 'are' else 's'} on {now.ahead} more"
    if year_ago is not None and year_ago.median is not None:
        text += f"; a year ago {year_ago.median:.1f}"
    return text + "."


def lead_since(
    entries: Sequence[race.Entry], leader: str, other: str, higher_is_better: bool
) -> date | None:
    """The day `leader`'s best-so-far last went ahead of `other`'s (dated releases only);
    None when it does not lead on dated scores."""
    best: dict[str, float] = {}
    undated_rival = race.best(
        (e for e in entries if e.country == other and e.released is None), higher_is_better
    )
    if undated_rival is not None:  # when it came is unknown: count it as there all along
        best[other] = undated_rival.value
    since: date | None = None
    ahead = False
    dated = sorted(
        (e for e in entries if e.released is not None), key=lambda e: e.released or date.min
    )
    for entry in dated:
        if entry.country not in (leader, other):
            continue
        known = best.get(entry.country)
        if known is None or race.at_least(entry.value, known, higher_is_better):
            best[entry.country] = entry.value
        now_ahead = (
            leader in best
            and (other not in best or best[leader] != best[other])
            and (other not in best or race.at_least(best[leader], best[other], higher_is_better))
        )
        if now_ahead and not ahead:
            since = entry.released
        ahead = now_ahead
    return since if ahead else None
