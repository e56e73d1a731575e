"""Two countries as sides (`/gap CN US`): each one's best against the other's, per benchmark."""

from __future__ import annotations

from dataclasses import dataclass

from commands.analysis import frontier as race
from commands.analysis import phrases


@dataclass(frozen=True)
class SideByBenchmark:
    """One benchmark both sides have: their bests, who leads, and the trailer's lag."""

    benchmark: str
    a: race.Entry
    b: race.Entry
    leader: str | None  # None for an exact tie
    lag: race.Lag | None

    def row(self) -> tuple[str, ...]:
        gap = phrases.score(abs(self.a.value - self.b.value))
        return (
            self.benchmark,
            phrases.score(self.a.value),
            phrases.score(self.b.value),
            gap,
            self.leader or "tie",
        )

    def sentence(self) -> str:
        bests = f"{self.a.country}'s best {self.a.model} vs {self.b.country}'s {self.b.model}"
        if self.lag is None:
            return f"{self.benchmark}: {bests}: a tie, no one trails."
        return f"{self.benchmark}: {bests}; {phrases.lag_sentence(self.lag)}."


def sides(
    benchmark: str, entries: list[race.Entry], a: str, b: str, higher_is_better: bool
) -> SideByBenchmark | None:
    """Country `a` against country `b` on one benchmark, or None when one has no score."""
    bests = race.best_by_country(entries, higher_is_better)
    if a not in bests or b not in bests:
        return None
    top_a, top_b = bests[a], bests[b]
    if top_a.value == top_b.value:
        return SideByBenchmark(benchmark, top_a, top_b, None, None)
    lead, trail = (
        (a, top_b) if race.at_least(top_a.value, top_b.value, higher_is_better) else (b, top_a)
    )
    rivals = [e for e in entries if e.country == lead]
    return SideByBenchmark(
        benchmark, top_a, top_b, lead, race.lag(trail, rivals, lead, higher_is_better)
    )
