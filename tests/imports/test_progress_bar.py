"""`racewatch import` on a terminal: the progress bar ends at n/n, not one short."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

ROWS = 6_000  # past PROGRESS_FROM, so the bar shows
ROOT = Path(__file__).resolve().parents[2]


def test_the_import_bar_reaches_its_end(tmp_path: Path) -> None:
    data = tmp_path / "big.csv"
    lines = ["model,organization,country,release_date,benchmark,score,source"]
    lines += [
        f"M{i},Lab,CN,2026-01-01,FrontierSWE,{i % 90}.5,https://example.org/{i}"
        for i in range(ROWS)
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env.update(RACEWATCH_BUNDLED="articles", RACEWATCH_FEEDS="off", PYTHONPATH=str(ROOT))
    leader, follower = pty.openpty()  # standard error is a terminal: tqdm draws its bar
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # 120 wide
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", str(data)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=300,
        check=False,
    )
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert done.returncode == 0, drawn.decode(errors="replace")[-2000:]
    frames = drawn.decode(errors="replace").replace("\r", "\n").splitlines()
    checking = [f for f in frames if f.startswith("checking")]
    assert checking, frames[-5:]
    assert f"{ROWS}/{ROWS}" in checking[-1], checking[-1]
