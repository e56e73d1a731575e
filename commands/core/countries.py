"""Country names as people type them (`China`, `PRC`, `USA`, `cn`) -> ISO 3166 alpha-2."""

from __future__ import annotations

from functools import cache

# Names in everyday use that ISO's tables (pycountry) do not list.
EVERYDAY = {
    "prc": "CN",
    "mainland china": "CN",
    "america": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "korea": "KR",
    "russia": "RU",
    "uae": "AE",
}


@cache
def country_code(text: str) -> str | None:
    """The alpha-2 code of a code (alpha-2 or -3), an ISO name or an everyday name; else None."""
    import pycountry  # its tables load on first use, not at start-up

    typed = " ".join(text.split())
    if typed.casefold() in EVERYDAY:
        return EVERYDAY[typed.casefold()]
    try:
        return str(pycountry.countries.lookup(typed).alpha_2)
    except LookupError:
        return None
