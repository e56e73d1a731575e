"""Names that find what was meant: real resemblance only, country names, the closest command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from commands.core.dispatch import Dispatcher
from commands.core.reply import Reply

Ask = Callable[..., Awaitable[Reply]]


async def test_a_name_with_no_resemblance_gets_no_padding(ask: Ask) -> None:
    reply = await ask("/model DeepSeek")
    assert reply.is_error
    assert "Did you mean" not in reply.body and "Opus" not in reply.body
    assert "/models lists them" in reply.body


async def test_suggestions_that_resemble_are_offered(ask: Ask) -> None:
    await ask('/admin model add DeepSeek-V4 org:"DeepSeek" country:China released:2026-11-01')
    reply = await ask("/model DeepSeek")
    assert "Did you mean DeepSeek-V4?" in reply.body
    assert "Did you mean Opus-4.8" in (await ask("/model Opsu-4.8")).body


async def test_autocomplete_offers_prefixes_and_likenesses_only(dispatcher: Dispatcher) -> None:
    from commands.core.registry import Autocomplete

    found = await dispatcher.suggest(Autocomplete.MODEL, "deeps")
    assert found == []  # nothing resembles it in the bundled data: no Claude padding
    opus = await dispatcher.suggest(Autocomplete.MODEL, "opus")
    assert opus and all("Opus" in name for name in opus)


@pytest.mark.parametrize("typed", ["China", "PRC", "cn", "CHN", "People's Republic of China"])
async def test_country_names_and_codes_are_accepted(ask: Ask, typed: str) -> None:
    reply = await ask(f'/models country:"{typed}"')
    assert not reply.is_error, reply.body
    assert reply.title.startswith("Models (CN)")


async def test_usa_is_the_us_and_narnia_is_refused(ask: Ask) -> None:
    assert (await ask("/leaderboard FrontierSWE country:USA")).title.endswith("(US)")
    refused = await ask("/models country:Narnia")
    assert refused.is_error and "ISO country code" in refused.body and "China" in refused.body


async def test_a_mistyped_command_gets_the_closest(ask: Ask) -> None:
    assert "Did you mean /leaderboard?" in (await ask("/leaderbord FrontierSWE")).body
    assert "Try /help for the list" in (await ask("/xyzzy")).body
