"""Names: NFKC-normalised and stripped of invisible characters for matching; a new name that
only looks like an existing one (invisible or confusable characters) is refused, naming it."""

import sys
import unicodedata

import pytest

from storage.engine.db import Database
from storage.names import INVISIBLE, normalize, skeleton
from tests.support.database import snapshot
from tests.support.world import Ask

ZW, RLO, BOM = "\u200b", "\u202e", "\ufeff"


def test_every_format_character_is_invisible_to_matching() -> None:
    format_chars = [
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    ]
    assert format_chars and all(INVISIBLE.fullmatch(c) for c in format_chars)
    assert not INVISIBLE.search("GLM-5.2 Opus 4.8 深度求索 Ünïcödé")


@pytest.mark.parametrize(
    "typed", [f"GLM{ZW}-5.2", f"{BOM}GLM-5.2", f"G{RLO}LM-5.2", "ＧＬＭ－５．２", "GLM\u2060-5.2"]
)
async def test_invisible_and_compatibility_characters_find_the_model(ask: Ask, typed: str) -> None:
    assert normalize(typed) == normalize("GLM-5.2")
    reply = await ask(f"/model {typed}")
    assert not reply.is_error and reply.title.startswith("GLM-5.2"), reply.body


@pytest.mark.parametrize(
    ("line", "existing"),
    [
        (f"/admin model add GLM{ZW}-5.2 org:Anthropic", "The model GLM-5.2 already exists"),
        (
            "/admin model add GLМ-5.2 org:Anthropic",
            "The model GLM-5.2 already exists",
        ),  # Cyrillic М
        ("/admin model add Оpus-4.8 org:Anthropic", "The model Opus-4.8 already exists"),
        ("/admin benchmark add FrontierЅWE", "The benchmark FrontierSWE already exists"),
        ("/admin model add Kimi-K9 org:Аnthropic", "The organization Anthropic already exists"),
        ("/admin model add Kimi-K9 org:Anthropic aliases:GLМ-5.2", "belongs to the model GLM-5.2"),
    ],
)
async def test_a_lookalike_of_an_existing_name_is_refused_naming_it(
    ask: Ask, db: Database, line: str, existing: str
) -> None:
    before = await snapshot(db)
    reply = await ask(line)
    assert reply.is_error and existing in reply.body, reply.body
    assert await snapshot(db) == before


async def test_a_new_name_keeps_no_invisible_characters(ask: Ask) -> None:
    reply = await ask(f"/admin model add Kimi{ZW}-K9 org:Anthropic")
    assert reply.title == "Added Kimi-K9", reply.body
    assert (await ask("/model Kimi-K9")).title.startswith("Kimi-K9 (")


def test_skeletons_tell_real_names_apart() -> None:
    names = ["GLM-5.2", "GLM-5.1", "Opus-4.8", "GPT-5.5", "Kimi-K2", "DeepSeek-V3", "Qwen3-Max"]
    assert len({skeleton(n) for n in names}) == len(names)
    assert skeleton("ОреnАІ") == skeleton("OpenAI")  # Cyrillic О р е А І
