"""The small frozen rows that queries return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True)
class OrganizationRow:
    id: int
    name: str
    country: str
    source: str


@dataclass(frozen=True)
class ModelRow:
    id: int
    name: str
    org_id: int
    organization: str
    country: str
    released: date | None
    release_precision: str | None
    params_b: float | None
    context_tokens: int | None
    weights: str | None
    licence: str | None
    access: str
    access_note: str | None
    source: str


@dataclass(frozen=True)
class BenchmarkRow:
    id: int
    name: str
    description: str
    unit: str
    higher_is_better: bool
    min_value: float | None
    max_value: float | None
    source: str


@dataclass(frozen=True)
class ScoreRow:
    """One report of a model's score on a benchmark, by one source."""

    id: int
    model_id: int
    model: str
    benchmark_id: int
    benchmark: str
    value: float
    stderr: float | None
    reported_on: date
    source: str
    added_by: str
    is_current: bool
    higher_is_better: bool


class Standing(NamedTuple):
    """A model's current score on one benchmark, with what the race analysis needs (a tuple:
    /race reads a thousand of them a benchmark, and a frozen dataclass costs 3x to build)."""

    model: str
    organization: str
    country: str
    released: date | None
    release_precision: str | None
    weights: str | None
    value: float
    reported_on: date


@dataclass(frozen=True)
class ForecastRow:
    id: int
    who: str
    claim: str
    said_on: date | None
    source: str
    window_from: date
    window_to: date
    condition: str | None
    status: str
    resolved_on: date | None
    resolution_note: str | None
    added_by: str


@dataclass(frozen=True)
class NewsRow:
    id: int
    headline: str
    happened_on: date | None
    source: str
    model: str | None
    organization: str | None
