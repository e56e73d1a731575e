"""`racewatch import | export | backup | restore` as an operator runs them from a shell."""

from __future__ import annotations

import json
from pathlib import Path

from commands.core.clock import FixedClock
from commands.core.dispatch import Dispatcher
from storage.engine.db import Database
from tests.support.database import snapshot, wipe
from tests.support.processes import racewatch
from tests.support.world import MEMBER, NOW

GOOD = (
    "model,organization,country,release_date,benchmark,score,source,weights\n"
    "Kimi-K9,Moonshot AI,CN,2026-11-20,FrontierSWE,76.0,https://example.org/k9,open\n"
    "Kimi-K9,Moonshot AI,CN,2026-11-20,PostTrainBench,30.5,https://example.org/k9,open\n"
)
BAD = GOOD + "Kimi-K9,Moonshot AI,CN,2026-11-20,SWE-Marathon,120,https://example.org/k9,open\n"


async def ask(path: Path, line: str) -> str:
    db = Database(f"sqlite:///{path}")
    try:
        return (await Dispatcher(db, FixedClock(NOW)).run_line(line, MEMBER)).plain_text()
    finally:
        await db.close()


async def tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = Database(f"sqlite:///{path}")
    try:
        return await snapshot(db)
    finally:
        await db.close()


async def test_import_a_good_file_then_refuse_a_bad_one_naming_the_row(
    db_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{db_path}"
    (tmp_path / "good.csv").write_text(GOOD)
    (tmp_path / "bad.csv").write_text(BAD)
    done = racewatch("--database-url", url, "import", "good.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "good.csv (csv): added 2, updated 0, unchanged 0, rejected 0." in done.stdout
    assert "Kimi-K9" in await ask(db_path, "/leaderboard FrontierSWE limit:1")
    before = await tables(db_path)
    refused = racewatch("--database-url", url, "import", "bad.csv", cwd=tmp_path)
    assert refused.returncode == 1
    assert "Rejected row 3 (line 4): SWE-Marathon scores run from 0 to 100" in refused.stderr
    assert "Nothing was written" in refused.stderr
    assert await tables(db_path) == before
    skipped = racewatch("--database-url", url, "import", "bad.csv", "--skip-invalid", cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stderr
    assert "unchanged 2, rejected 1" in skipped.stdout and "Rejected row 3" in skipped.stdout
    assert "Nothing to write: the database already has all of it." in skipped.stdout


def test_import_of_a_missing_or_unreadable_file_says_so(tmp_path: Path) -> None:
    missing = racewatch("import", "nowhere.csv", cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read nowhere.csv" in missing.stderr
    (tmp_path / "empty.csv").write_text("")
    empty = racewatch("import", "empty.csv", cwd=tmp_path)
    assert empty.returncode == 1 and "The file is empty" in empty.stderr


async def test_export_then_import_into_a_new_empty_database(db_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    (tmp_path / "good.csv").write_text(GOOD)
    assert racewatch("--database-url", url, "import", "good.csv", cwd=tmp_path).returncode == 0
    out = racewatch("--database-url", url, "export", "all.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Exported 14 row(s): 8 model(s), 10 score(s) on 3 benchmark(s), as JSON" in out.stdout
    copy = tmp_path / "copy.db"
    back = racewatch(
        "--database-url", f"sqlite:///{copy}", "import", "all.json", "--no-dataset", cwd=tmp_path
    )
    assert back.returncode == 0, back.stderr
    for line in ("/race", "/gap Kimi-K9 Opus-4.8", "/leaderboard FrontierSWE"):
        assert await ask(copy, line) == await ask(db_path, line), line
    assert (await tables(copy))["forecasts"] == []  # no bundled dataset: only the export


def test_export_a_query_to_standard_output(db_path: Path, tmp_path: Path) -> None:
    out = racewatch(
        "--database-url",
        f"sqlite:///{db_path}",
        "export",
        "-",
        "--format",
        "json",
        "--country",
        "CN",
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["rows"]
    assert {r["model"] for r in rows} == {"GLM-5.2"} and len(rows) == 3
    assert "Exported 3 row(s)" in out.stderr
    unknown = racewatch("export", "x.csv", "--benchmark", "FrontierSWEE", cwd=tmp_path)
    assert unknown.returncode == 1 and "Did you mean FrontierSWE" in unknown.stderr
    assert not (tmp_path / "x.csv").exists()


async def test_backup_wipe_restore(db_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    (tmp_path / "good.csv").write_text(GOOD)
    assert racewatch("--database-url", url, "import", "good.csv", cwd=tmp_path).returncode == 0
    before = await ask(db_path, "/race")
    made = racewatch("--database-url", url, "backup", "saved.db", cwd=tmp_path)
    assert made.returncode == 0 and "Backed up to saved.db" in made.stdout, made.stderr
    again = racewatch("--database-url", url, "backup", "saved.db", cwd=tmp_path)
    assert again.returncode == 1 and "saved.db already exists" in again.stderr
    wipe(db_path)
    back = racewatch("--database-url", url, "restore", "saved.db", cwd=tmp_path)
    assert back.returncode == 0 and "Restored saved.db" in back.stdout, back.stderr
    assert await ask(db_path, "/race") == before
    pg = racewatch("--database-url", "postgresql://u@localhost/r", "backup", "x.db", cwd=tmp_path)
    assert pg.returncode == 1 and "pg_dump" in pg.stderr
