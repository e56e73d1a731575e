"""Every event kind is declared whole: storage's topic for it, and everything alerts, digests
and /subscribe say about it (a kind or topic missing a part fails here, not silently)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.alerts.instant import alert_reply
from commands.alerts.kinds import BY_NAME, KINDS, TOPIC_BY_NAME, TOPIC_WORDING, Kind
from commands.alerts.terms import parse_terms
from storage.events import EventRow
from storage.subscriptions import TOPIC_KINDS, TOPICS, topic_of

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "https://example.org/glm"
STORED_KINDS = [kind for kinds in TOPIC_KINDS.values() for kind in kinds]


def written_kinds() -> set[str]:
    """Every kind the code appends: the literal first argument of each `.event(...)` call."""
    found: set[str] = set()
    for top in ("storage", "commands"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "event"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    found.add(str(node.args[0].value))
    return found


def sample(kind: str) -> EventRow:
    payload = {"from": "US", "to": "CN", "value": 76.0, "status": "hit", "access": "public"}
    return EventRow(
        1,
        kind,
        datetime(2027, 3, 22, 10, 0, tzinfo=UTC),
        f"something about {kind}",
        model="GLM-5.2",
        organization="Zhipu AI",
        country="CN",
        benchmark="FrontierSWE",
        payload={**payload, "weights": "open", "reported_on": "2027-03-20", "source": SOURCE},
    )


def test_every_kind_written_has_a_topic_in_storage() -> None:
    assert written_kinds() - set(STORED_KINDS) == set()
    assert len(STORED_KINDS) == len(set(STORED_KINDS)), "a kind under two topics"


def test_storage_and_commands_declare_the_same_kinds_once() -> None:
    assert sorted(BY_NAME) == sorted(STORED_KINDS)
    assert len(KINDS) == len(BY_NAME), "a kind declared twice"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_each_kind_has_every_part(kind: Kind) -> None:
    event = sample(kind.name)
    assert kind.topic in TOPICS
    assert all(kind.nouns) and kind.noun(1) != kind.noun(2)
    assert kind.title(event).strip()
    assert all(f.name and f.value for f in kind.details(event))
    alert = alert_reply([event], "full")
    assert alert.title == kind.title(event) and alert.fields == kind.details(event)


def test_each_topic_has_a_heading_and_words_and_its_words_are_its_own() -> None:
    assert sorted(TOPIC_BY_NAME) == sorted(TOPICS)
    assert len(TOPIC_WORDING) == len(TOPIC_BY_NAME), "a topic declared twice"
    for topic in TOPIC_WORDING:
        assert topic.heading.strip() and all(w.strip() for w in topic.words)
        for word in topic.words:
            assert parse_terms(word).topics == (topic.name,), word
    assert {topic_of(kind.name) for kind in KINDS} == set(TOPICS), "a topic with no kind"
