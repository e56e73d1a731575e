"""Machine-checkable forecast conditions: parsing and evaluation (pure: no I/O, no clock).

Grammar (case-insensitive)::

    condition := term OP term            OP := >= | > | <= | <
    term      := best [COUNTRY] score on BENCHMARK     the best current score (of a country)
               | [best] score of MODEL [on BENCHMARK]  a model's current score
               | NUMBER

e.g. `best CN score on FrontierSWE >= best score of Fable 5` (Fable 5's score on the same
benchmark) or `best CN score on FrontierSWE >= 80`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from commands.analysis import frontier as race
from commands.core.errors import UserError
from commands.core.options import parse_country
from storage.figures import figure

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
HOW = (
    "Write a condition such as `best CN score on FrontierSWE >= best score of Fable 5` "
    "or `best CN score on FrontierSWE >= 80` (operators >=, >, <=, <)."
)
_SPLIT = re.compile(r"\s*(>=|<=|>|<)\s*")
_BEST = re.compile(r"best\s+(?:(?P<country>[a-z]{2})\s+)?score\s+on\s+(?P<bench>.+)", re.I)
_MODEL = re.compile(r"(?:best\s+)?score\s+of\s+(?P<model>.+?)(?:\s+on\s+(?P<bench>[^\s].*))?", re.I)


@dataclass(frozen=True)
class CountryBest:
    country: str | None  # None: the best of any country
    benchmark: str

    def __str__(self) -> str:
        who = f"{self.country} " if self.country else ""
        return f"best {who}score on {self.benchmark}"


@dataclass(frozen=True)
class ModelScore:
    model: str
    benchmark: str | None

    def __str__(self) -> str:
        return f"best score of {self.model}" + (f" on {self.benchmark}" if self.benchmark else "")


@dataclass(frozen=True)
class Number:
    value: float

    def __str__(self) -> str:
        return f"{self.value:g}"


Term = CountryBest | ModelScore | Number


@dataclass(frozen=True)
class Condition:
    left: Term
    op: str
    right: Term

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"

    @property
    def terms(self) -> tuple[Term, Term]:
        return self.left, self.right


@dataclass(frozen=True)
class Outcome:
    """Whether the condition holds now (None: a value it needs is not known yet), and why."""

    holds: bool | None
    explanation: str


def _term(text: str) -> Term:
    text = text.strip()
    if match := _BEST.fullmatch(text):
        country = parse_country(match["country"], "country") if match["country"] else None
        return CountryBest(country, match["bench"].strip())
    if match := _MODEL.fullmatch(text):
        bench = match["bench"].strip() if match["bench"] else None
        return ModelScore(match["model"].strip(), bench)
    try:
        return Number(float(text))
    except ValueError:
        raise UserError(f"`{text}` is not a term I can check. {HOW}") from None


def _benchmark(term: Term) -> str | None:
    return term.benchmark if isinstance(term, CountryBest | ModelScore) else None


def parse_condition(text: str) -> Condition:
    """The condition as written; a model's score with no benchmark takes the other side's."""
    parts = _SPLIT.split(text.strip())
    if len(parts) != 3 or not parts[0] or not parts[2]:
        raise UserError(f"`{text}` is not a condition. {HOW}")
    left, op, right = _term(parts[0]), parts[1], _term(parts[2])
    if isinstance(left, Number) and isinstance(right, Number):
        raise UserError(f"`{text}` compares two numbers. {HOW}")
    shared = _benchmark(left) or _benchmark(right)
    sides = []
    for term in (left, right):
        if isinstance(term, ModelScore) and term.benchmark is None:
            if shared is None:
                raise UserError(f"`{text}`: say on which benchmark ({term} on BENCHMARK).")
            term = replace(term, benchmark=shared)
        sides.append(term)
    return Condition(sides[0], op, sides[1])


Standings = Mapping[str, tuple[bool, Sequence[race.Entry]]]
"""Per benchmark name: (higher is better, every model's current score)."""


def value_of(term: Term, standings: Standings) -> tuple[float | None, str]:
    """A term's current value and what it is (`GLM-5.2 74.4`), or None when unknown."""
    if isinstance(term, Number):
        return term.value, str(term)
    assert term.benchmark is not None
    higher, entries = standings.get(term.benchmark, (True, ()))
    if isinstance(term, CountryBest):
        pool = [e for e in entries if term.country is None or e.country == term.country]
        top = race.best(pool, higher)
    else:
        top = next((e for e in entries if e.model == term.model), None)
    if top is None:
        return None, f"{term}: no score yet"
    return top.value, f"{top.model} {figure(top.value)}"


def evaluate(condition: Condition, standings: Standings) -> Outcome:
    """Check the condition against current scores."""
    left, left_said = value_of(condition.left, standings)
    right, right_said = value_of(condition.right, standings)
    said = f"{left_said} {condition.op} {right_said}"
    if left is None or right is None:
        return Outcome(None, said)
    holds = OPERATORS[condition.op](left, right)
    return Outcome(holds, said if holds else f"not yet: {left_said} vs {right_said}")
