"""Reply -> Block Kit: golden files, Slack's limits, and escaping that stops pings and markup."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.platforms.slack.render import MAX_BLOCKS, MAX_FIELDS, MAX_SECTION_TEXT, escape, render
from commands.core.reply import Field, Image, Reply, Table
from tests.support.slack_world import all_texts

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("RACEWATCH_UPDATE_GOLDEN") == "1"

GAP_LIKE = Reply(
    title="GLM-5.2 vs Opus-4.8",
    body="Opus-4.8 leads on 2 of 3 benchmarks; mean gap 1.2 points.",
    table=Table(
        ("benchmark", "GLM-5.2", "Opus-4.8", "diff"),
        (("FrontierSWE", "74.4", "75.1", "-0.7"), ("PostTrainBench", "61.0", "59.5", "+1.5")),
    ),
    fields=(Field("GLM-5.2 released", "2026-06-15"), Field("Opus-4.8 released", "2026-05")),
    footer="Sources: /sources GLM-5.2",
)


def check_golden(name: str, reply: Reply) -> None:
    rendered = render(reply)
    data = {"text": rendered.text, "blocks": rendered.blocks}
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert data == json.loads(path.read_text()), f"{path} differs (RACEWATCH_UPDATE_GOLDEN=1)"


def test_gap_like_reply_matches_golden() -> None:
    check_golden("gap_like", GAP_LIKE)


def test_error_matches_golden() -> None:
    check_golden("error", Reply.error("No model called `Opsu-4.8`. Did you mean Opus-4.8?"))


def test_hostile_names_match_golden() -> None:
    hostile = "<!channel> @everyone <https://evil.example|click me> & <@U123>"
    reply = Reply(title=hostile, body=hostile, fields=(Field(hostile, hostile),), footer=hostile)
    check_golden("hostile", reply)


def test_oversized_reply_matches_golden() -> None:
    rows = tuple((f"model-{i:03d}", f"{i / 7:.1f}") for i in range(100))
    reply = Reply(
        title="Everything",
        body="word " * 700,
        table=Table(("model", "score"), rows),
        fields=tuple(Field(f"f{i}", "v") for i in range(480)),
    )
    check_golden("oversized", reply)


def test_nothing_can_ping_or_link() -> None:
    hostile = "<!here> <!channel|x> @here @channel @everyone <mailto:a@b|b> &lt; > &"
    rendered = render(Reply(title=hostile, body=hostile, fields=(Field(hostile, hostile),)))
    for text in [*all_texts(rendered.blocks), rendered.text]:
        assert "<" not in text and ">" not in text
        assert not re.search(r"@(here|channel|everyone)", text)
        assert re.sub(r"&(amp|lt|gt);", "", text).count("&") == 0
    for block in rendered.blocks:
        objects = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        assert all(o["verbatim"] for o in objects if o)


def test_escape_keeps_entities_whole_when_splitting() -> None:
    body = "&" * 5000
    rendered = render(Reply(body=body))
    pieces = all_texts(rendered.blocks)
    assert "".join(pieces).count("&amp;") == 5000
    assert all(len(p) <= MAX_SECTION_TEXT for p in pieces)


def test_truncation_says_how_much_is_left_out() -> None:
    rows = tuple((f"m{i}", "1.0") for i in range(20000))
    rendered = render(Reply(table=Table(("model", "score"), rows)))
    assert len(rendered.blocks) == MAX_BLOCKS
    shown = sum(t.count("\n") - 1 for t in all_texts(rendered.blocks[:-1])) - 2  # header
    last = rendered.blocks[-1]["elements"][0]["text"]
    left = int(re.search(r"and (\d+) more rows", last).group(1))  # type: ignore[union-attr]
    assert shown + left == 20000


def test_image_is_not_inlined() -> None:
    reply = Reply(title="Chart", image=Image("c.png", b"\x89PNG", "frontier"))
    rendered = render(reply)
    assert "[image: c.png]" in rendered.text
    assert all(b["type"] != "image" for b in rendered.blocks)


replies = st.builds(
    Reply,
    title=st.text(max_size=400),
    body=st.text(max_size=9000),
    fields=st.lists(
        st.builds(Field, st.text(max_size=300), st.text(max_size=2500)), max_size=60
    ).map(tuple),
    table=st.none()
    | st.lists(st.tuples(st.text(max_size=40), st.text(max_size=40)), max_size=300).map(
        lambda rows: Table(("a", "b"), tuple(rows))
    ),
    footer=st.text(max_size=4000),
    extra=st.lists(st.text(max_size=500), max_size=5).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(replies)
def test_any_reply_fits_slack(reply: Reply) -> None:
    rendered = render(reply)
    assert 1 <= len(rendered.blocks) <= MAX_BLOCKS
    assert 0 < len(rendered.text) <= 3000
    for block in rendered.blocks:
        assert len(block.get("fields", [])) <= MAX_FIELDS
        assert len(block.get("elements", [])) <= 10
        for text in all_texts([block]):
            assert 0 < len(text) <= MAX_SECTION_TEXT
            assert "<" not in text and ">" not in text


def test_escape_is_the_three_entities() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
