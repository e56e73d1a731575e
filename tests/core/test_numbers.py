"""Numbers: bounds on one side only, integers beyond what a column holds, and how digits are
written (ASCII only: `1_0` and full-width `１０` are refused everywhere, see README)."""

import pytest

from commands.core.caller import Caller, Platform
from commands.core.catalog import REGISTRY
from commands.core.options import convert
from commands.core.registry import OptionType
from storage.engine.db import Database
from tests.support.database import snapshot
from tests.support.world import Ask

MANAGER = Caller(
    platform=Platform.SLACK,
    user_id="U1",
    workspace_id="T1",
    channel_id="C1",
    is_channel_manager=True,
)
SCORE = "/admin score add GLM-5.2 FrontierSWE {} source:https://e.org/a"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (SCORE.format("50 stderr:-1"), "`stderr` must be at least 0, not -1."),
        ("/admin undo -5", "`entry` must be between 1 and 2147483647, not -5."),
        ("/admin forecast resolve -1 hit", "`id` must be between 1 and 2147483647, not -1."),
        ("/admin undo 999999999999999999999999", "must be between 1 and 2147483647"),
        ("/admin undo 2147483648", "must be between 1 and 2147483647, not 2147483648"),
        ("/admin forecast resolve 9223372036854775808 hit", "between 1 and 2147483647"),
        ("/admin undo 1_0", "must be a whole number such as 5, not `1_0`"),
        ("/admin undo １０", "must be a whole number such as 5, not `１０`"),
        ("/admin undo 5.0", "must be a whole number"),
        ("/leaderboard FrontierSWE limit:٣", "must be a whole number"),
        (SCORE.format("7_5"), "must be a number such as 74.4, not `7_5`"),
        (SCORE.format("７５"), "must be a number such as 74.4, not `７５`"),
        (SCORE.format("75 stderr:0x1"), "must be a number such as 74.4"),
        (SCORE.format("1" + "0" * 400), "must be a finite number"),
    ],
)
async def test_numbers_out_of_reach_are_refused(
    ask: Ask, db: Database, line: str, message: str
) -> None:
    before = await snapshot(db)
    reply = await ask(line)
    assert reply.is_error and message in reply.body, reply.body
    assert await snapshot(db) == before


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999", "²", "١"])
async def test_an_event_number_beyond_the_column_is_refused(
    ask: Ask, db: Database, number: str
) -> None:
    assert not (await ask("/subscribe leads", as_=MANAGER)).is_error
    before = await snapshot(db)
    reply = await ask(f"/subscriptions why {number}", as_=MANAGER)
    assert reply.is_error and "something went wrong" not in reply.body, reply.body
    assert await snapshot(db) == before


def test_every_integer_option_is_read_within_the_integer_column() -> None:
    """Discord and Slack hand values over as typed: the same bounds apply to them."""
    for command in REGISTRY:
        for option in command.options:
            if option.type is OptionType.INTEGER and not option.choices:
                for value in (2**31, -(2**31), 2**63):
                    with pytest.raises(Exception, match="must be"):
                        convert(option, value)
