"""/chart through the dispatcher: a valid 1200x675 PNG, honest text, clear refusals."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from tests.support.world import MEMBER, Ask

ROOT = Path(__file__).resolve().parents[2]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (the signature is checked too)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_chart_answers_with_a_png_and_the_gap(ask: Ask) -> None:
    reply = await ask("/chart frontier-swe", MEMBER)
    assert not reply.is_error, reply.body
    assert reply.image is not None
    assert reply.image.filename == "race-FrontierSWE.png"
    assert png_size(reply.image.data) == (1200, 675)
    assert len(reply.image.data) > 10_000  # a drawn chart, not an empty canvas
    # The seed: Opus-4.8 75.1 (no release date) leads GLM-5.2 74.4 on FrontierSWE.
    assert "US leads" in reply.body and "0.7 points" in reply.body
    assert "release date unknown" in reply.body and "Opus-4.8" in reply.body
    assert "FrontierSWE" in reply.image.description


async def test_chart_with_options_by_name(ask: Ask) -> None:
    reply = await ask("/chart FrontierSWE since:2026-06 countries:CN", MEMBER)
    assert not reply.is_error, reply.body
    assert "Only one country" in reply.body
    assert "CN 1" in reply.body


async def test_unknown_benchmark_is_refused_with_a_suggestion(ask: Ask) -> None:
    reply = await ask("/chart FrontierSW", MEMBER)
    assert reply.is_error and reply.ephemeral
    assert "FrontierSWE" in reply.body


async def test_bad_country_is_refused(ask: Ask) -> None:
    reply = await ask("/chart FrontierSWE countries:US,Atlantis", MEMBER)
    assert reply.is_error
    assert "two-letter ISO country code" in reply.body


async def test_countries_with_no_scores_are_refused(ask: Ask) -> None:
    reply = await ask("/chart FrontierSWE countries:FR", MEMBER)
    assert reply.is_error
    assert "No FrontierSWE scores" in reply.body


def test_loading_the_commands_does_not_load_matplotlib() -> None:
    code = "import sys, commands.core.catalog, commands.slash.chart; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
