"""Command handler modules are not libraries: only the catalog imports them, so importing a
shared rule (a file import's model columns, a digest's race summary) never registers a
command as a side effect."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "commands" / "core" / "catalog.py"


def slash_imports(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("commands.slash"):
            found.append(f"{node.module} ({', '.join(a.name for a in node.names)})")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("commands.slash")]
    return found


def test_only_the_catalog_imports_command_handler_modules() -> None:
    users = {
        str(path.relative_to(ROOT)): found
        for top in ("bot", "commands", "storage", "benchmarks")
        for path in sorted((ROOT / top).rglob("*.py"))
        if path != CATALOG and (found := slash_imports(path))
    }
    assert users == {}


def test_a_file_import_registers_no_command() -> None:
    code = (
        "import sys, commands.imports.pipeline, commands.alerts.instant, commands.alerts.handlers;"
        "from commands.core.registry import REGISTRY;"
        "print(sorted(m for m in sys.modules if m.startswith('commands.slash')), "
        "REGISTRY.roots())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[] []"
