"""One source for every length (storage/limits.py): each option that is stored fits its
column on PostgreSQL, and a value past a column's length is refused before it reaches it."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from commands.core.caller import CONSOLE_CALLER
from commands.core.catalog import REGISTRY
from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from commands.core.options import max_length
from commands.core.registry import OptionType
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.world import NOW

URL = os.environ.get("RACEWATCH_TEST_POSTGRES_URL", "")
needs_postgres = pytest.mark.skipif(not URL, reason="RACEWATCH_TEST_POSTGRES_URL is not set")

NAME_COLUMNS = ("names.key", "names.label", "events.model")
# Where each written text option ends up (a name also becomes a names key and label).
STORED: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {
    ("admin", "benchmark", "add"): {
        "name": ("benchmarks.name", *NAME_COLUMNS[:2], "events.benchmark"),
        "unit": ("benchmarks.unit",),
        "description": ("benchmarks.description",),
        "source": ("benchmarks.source",),
    },
    ("admin", "model", "add"): {
        "name": ("models.name", *NAME_COLUMNS),
        "org": ("organizations.name", "events.organization"),
        "licence": ("models.licence",),
        "aliases": ("names.label", "names.key"),
        "source": ("models.source",),
    },
    ("admin", "forecast", "add"): {
        "who": ("forecasts.who",),
        "claim": ("forecasts.claim",),
        "source": ("forecasts.source",),
        "condition": ("forecasts.condition",),
    },
    ("admin", "forecast", "resolve"): {"note": ("forecasts.resolution_note",)},
    ("admin", "access"): {"note": ("models.access_note",)},
    ("admin", "news"): {"headline": ("news.headline",), "source": ("news.source",)},
    ("admin", "score", "add"): {"source": ("scores.source",)},
}
STORED[("admin", "model", "edit")] = STORED[("admin", "model", "add")]
STORED[("admin", "feed", "add")] = {"name": ("feeds.name",), "url": ("feeds.url",)}
STORED[("admin", "review")] = {
    "name": ("models.name", *NAME_COLUMNS),
    "org": ("organizations.name", "events.organization"),
}
# Written options read through a parser that stores something shorter (or only looked up).
PARSED = {
    ("admin", "access"): {"model"},
    ("admin", "import"): {"benchmark"},
    ("admin", "feed", "add"): {"every"},  # 30m, 6h, 1d: seconds
    ("admin", "feed", "remove"): {"name"},  # looked up
    ("admin", "feed", "sync"): {"name"},
    ("admin", "news"): {"model", "org"},
    ("admin", "score", "add"): {"model", "benchmark"},
    ("digest", "schedule"): {"time", "timezone"},  # HH:MM; an IANA zone name
    ("subscribe",): {"topics", "filters"},  # JSON
}
TEXTS = (OptionType.STRING, OptionType.TEXT, OptionType.SOURCE)


def test_every_written_text_option_says_where_it_goes() -> None:
    for command in REGISTRY:
        if command.path[0] not in ("admin", "subscribe", "digest"):
            continue
        for option in command.options:
            if option.type in TEXTS and not option.choices:
                known = STORED.get(command.path, {}).keys() | PARSED.get(command.path, set())
                assert option.name in known, (command.path, option.name)


@needs_postgres
async def test_each_option_fits_its_column_on_postgresql(postgres: Database) -> None:
    query = text(
        "SELECT table_name || '.' || column_name, character_maximum_length "
        "FROM information_schema.columns WHERE table_schema = 'public'"
    )
    async with postgres.read() as conn:
        lengths: dict[str, int | None] = dict((await conn.execute(query)).all())
    for path, stored in STORED.items():
        command = REGISTRY.get(path)
        assert command is not None, path
        options = {o.name: o for o in command.options}
        for name, columns in stored.items():
            for column in columns:
                assert column in lengths, column
                room = lengths[column]
                assert room is None or max_length(options[name]) <= room, (path, name, column)


LONG = "ﬃ" * 60  # 60 characters, 180 once NFKC-normalised


@needs_postgres
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('/admin benchmark add X unit:"milliseconds per request"', "the limit is 20"),
        (f"/admin benchmark add {LONG}", "180 characters long once written out"),
        (f"/admin model add {LONG} org:Anthropic", "once written out"),
        (f"/admin model add Kimi-K9 org:Anthropic aliases:{LONG}", "once written out"),
        (f'/admin forecast add who:{LONG} claim:x window:2027 source:"a, 2026"', "written out"),
    ],
)
async def test_values_past_a_column_are_refused_on_postgresql(
    postgres: Database, line: str, message: str
) -> None:
    before = await snapshot(postgres)
    reply = await Dispatcher(postgres, FixedClock(NOW)).run_line(line, CONSOLE_CALLER)
    assert reply.is_error and message in reply.body, reply.body
    assert await snapshot(postgres) == before


@needs_postgres
async def test_values_at_the_limit_are_stored_on_postgresql(postgres: Database) -> None:
    ask = Dispatcher(postgres, FixedClock(NOW))
    name, unit = "N" * 100, "u" * 20
    reply = await ask.run_line(f"/admin benchmark add {name} unit:{unit}", CONSOLE_CALLER)
    assert not reply.is_error, reply.body
    reply = await ask.run_line(f"/admin model add {'ﬃ' * 33} org:Anthropic", CONSOLE_CALLER)
    assert not reply.is_error, reply.body
