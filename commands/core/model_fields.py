"""A model's facts as options: `/admin model add|edit` takes them and a file import's model
columns are checked by the same rules, so neither depends on the other."""

from __future__ import annotations

from commands.core.registry import Autocomplete, Option, OptionType

MODEL_FIELDS = (
    Option("org", "Organization (a new one needs country)", autocomplete=Autocomplete.ORGANIZATION),
    Option("country", "Country of a new organization (ISO code, e.g. CN)", type=OptionType.COUNTRY),
    Option("released", "Release date: 2026-06-15, 2026-06 or 2026-Q2", type=OptionType.DATE),
    Option("weights", "open or closed", choices=("open", "closed")),
    Option("params", "Parameters in billions", type=OptionType.NUMBER, min_value=0, max_value=1e6),
    Option(
        "context", "Context window in tokens", type=OptionType.INTEGER, min_value=1, max_value=10**9
    ),
    Option("licence", "Licence, e.g. MIT"),
    Option("aliases", "Other names, comma-separated"),
    Option("source", "URL or citation for these facts", type=OptionType.SOURCE),
)
