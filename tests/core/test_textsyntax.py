"""The text syntax: every form SPEC §3 promises, and the ways a line can be malformed."""

import pytest

from commands.core.catalog import REGISTRY
from commands.core.errors import UserError
from commands.core.textsyntax import parse_options, resolve, split_line


def parse(line: str) -> tuple[str, dict[str, str]]:
    command, words = resolve(REGISTRY, split_line(line))
    return command.name, parse_options(command, words)


@pytest.mark.parametrize(
    ("line", "name", "options"),
    [
        ("/gap GLM-5.2 Opus-4.8", "gap", {"model_a": "GLM-5.2", "model_b": "Opus-4.8"}),
        (
            '/gap glm5.2 "claude opus 4.8" benchmark:FrontierSWE',
            "gap",
            {"model_a": "glm5.2", "model_b": "claude opus 4.8", "benchmark": "FrontierSWE"},
        ),
        (
            "/gap model_a:GLM-5.2 model_b:Opus-4.8",
            "gap",
            {"model_a": "GLM-5.2", "model_b": "Opus-4.8"},
        ),
        (
            "/gap benchmark:FrontierSWE GLM-5.2 Opus-4.8",
            "gap",
            {"model_a": "GLM-5.2", "model_b": "Opus-4.8", "benchmark": "FrontierSWE"},
        ),
        ("/race FrontierSWE", "race", {"benchmark": "FrontierSWE"}),
        (
            "/leaderboard FrontierSWE country:CN limit:5",
            "leaderboard",
            {"benchmark": "FrontierSWE", "country": "CN", "limit": "5"},
        ),
        (
            "/leaderboard FrontierSWE open-only",
            "leaderboard",
            {"benchmark": "FrontierSWE", "open_only": "true"},
        ),
        (
            '/admin model add Kimi-K9 org:"Moonshot AI" country:CN released:2026-11-20 weights:open',
            "admin model add",
            {
                "name": "Kimi-K9",
                "org": "Moonshot AI",
                "country": "CN",
                "released": "2026-11-20",
                "weights": "open",
            },
        ),
        (
            "/admin model edit Opus-4.8 released:2026-03-01",
            "admin model edit",
            {"name": "Opus-4.8", "released": "2026-03-01"},
        ),
        (
            "/admin score add Kimi-K9 FrontierSWE 76.0 source:https://example.org/post "
            "date:2026-11-20",
            "admin score add",
            {
                "model": "Kimi-K9",
                "benchmark": "FrontierSWE",
                "value": "76.0",
                "source": "https://example.org/post",
                "date": "2026-11-20",
            },
        ),
        (
            '/admin forecast add who:"Elon Musk" claim:"Chinese models reach Fable-level" '
            "window:2027-Q1 said:2026-06-18 source:...",
            "admin forecast add",
            {
                "who": "Elon Musk",
                "claim": "Chinese models reach Fable-level",
                "window": "2027-Q1",
                "said": "2026-06-18",
                "source": "...",
            },
        ),
        ("/admin undo", "admin undo", {}),
        ("/model glm 5.2", "model", {"name": "glm 5.2"}),
        (
            "/gap “claude opus 4.8” GLM-5.2",
            "gap",
            {"model_a": "claude opus 4.8", "model_b": "GLM-5.2"},
        ),
    ],
)
def test_spec_forms(line: str, name: str, options: dict[str, str]) -> None:
    assert parse(line) == (name, options)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('/gap "GLM-5.2 Opus-4.8', "quote is not closed"),
        ("/nosuch thing", "no command /nosuch"),
        ("/admin", "needs a subcommand"),
        ("/admin model fly", "no subcommand `fly`"),
        ("/gap a b c d", "Too many values"),
        ("/gap model_a:x model_a:y", "given twice"),
        ("", "Type a command"),
    ],
)
def test_malformed_lines_say_what_is_wrong(line: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse(line)
