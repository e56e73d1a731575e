"""Reply -> embed: golden files for the shapes we send, and Discord's limits for any reply."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.platforms.discord.render import Rendered, render
from commands.core.reply import Field, Image, Reply, Table

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("RACEWATCH_UPDATE_GOLDEN") == "1"  # =1 rewrites them

GAP = Reply(
    title="GLM-5.2 (CN) vs Opus-4.8 (US)",
    body="GLM-5.2 leads on 0 of 3, Opus-4.8 on 3 of 3; mean gap 5.5 points.",
    table=Table(
        ("Benchmark", "GLM-5.2", "Opus-4.8", "Gap"),
        (("FrontierSWE", "74.4", "75.1", "0.7"), ("SWE-Marathon", "13.0", "26.0", "13.0")),
    ),
    footer="GLM-5.2 released 2026-06-15; release date of Opus-4.8 unknown.",
    extra=("Time lag:", "FrontierSWE: lag unknown"),
)
CASES: dict[str, Reply] = {
    "gap": GAP,
    "card_fields": Reply(
        title="GLM-5.2", fields=(Field("Org", "Zhipu AI"), Field("Scores", "74.4", inline=False))
    ),
    "thirty_fields": Reply(title="Many", fields=tuple(Field(f"f{i}", f"v{i}") for i in range(30))),
    "long_table": Reply(
        title="Leaderboard",
        table=Table(
            ("#", "Model", "Score"), tuple((str(i), f"Model-{i}", "50.0") for i in range(400))
        ),
    ),
    "long_body": Reply(body="\n".join(f"line {i} " + "x" * 60 for i in range(200))),
    "over_6000": Reply(
        title="T" * 300,
        body="b" * 5000,
        fields=tuple(Field("n" * 300, "v" * 2000) for i in range(10)),
    ),
    "image": Reply(title="Chart", image=Image("race chart.png", b"\x89PNG..", "frontier")),
    "error": Reply.error("/admin score add is for curators only; nothing was changed."),
    "backticks": Reply(table=Table(("a",), (("```@everyone```",),))),
}


def as_json(rendered: Rendered) -> dict[str, Any]:
    embed = rendered.embed.to_dict() if rendered.embed is not None else None
    return {
        "embed": embed,
        "content": rendered.content,
        "files": [f.filename for f in rendered.files],
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    actual = as_json(render(CASES[name]))
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(path.read_text())


def test_more_is_said_not_dropped() -> None:
    fields = render(CASES["thirty_fields"]).embed
    assert fields is not None and len(fields.fields) == 25
    assert fields.fields[-1].value == "...and 6 more"
    table = render(CASES["long_table"]).embed
    assert table is not None and table.description is not None
    assert table.description.rstrip().endswith("more rows")


def test_errors_are_plain_text() -> None:
    embed, content, files = render(CASES["error"])
    assert embed is None and files == []
    assert content.startswith("/admin score add is for curators only")


texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=3000)


@settings(max_examples=60, deadline=None)
@given(
    title=texts,
    body=texts,
    footer=texts,
    fields=st.lists(st.tuples(texts, texts), max_size=40),
    rows=st.integers(min_value=0, max_value=500),
)
def test_any_reply_fits_discords_limits(
    title: str, body: str, footer: str, fields: list[tuple[str, str]], rows: int
) -> None:
    table = Table(("Model", "Score"), tuple((f"m{i}", "1.0") for i in range(rows)))
    reply = Reply(title, body, tuple(Field(n, v) for n, v in fields), table, footer)
    embed, content, _files = render(reply)

    assert len(content) <= 2000
    if embed is None:
        return
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.footer.text or "") <= 2048
    assert len(embed.fields) <= 25
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)
    assert all((f.name or "").strip() and (f.value or "").strip() for f in embed.fields)
