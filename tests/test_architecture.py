"""The house as its imports draw it: floors go down only, platforms stay in their rooms.

Read from the source text (ast), so a lazy import inside a function counts as much as one at
the top: the rules are about what a module depends on, not about when it loads it.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "commands", "storage")
FLOOR = {"storage": 1, "commands": 2, "bot": 3}
PLATFORM_PACKAGES = {
    "discord": "bot.platforms.discord",
    "slack_sdk": "bot.platforms.slack",
    "slack_bolt": "bot.platforms.slack",
}

# Today's known breaches, each to be mended by the work that owns it; the test fails when a
# new one appears, and when a listed one is gone (so the list only shrinks).
KNOWN_PRIVATE: set[tuple[str, str]] = set()
KNOWN_CYCLES: set[frozenset[str]] = set()


@dataclass(frozen=True)
class Import:
    """One import statement's target module and, for `from X import n`, the name taken."""

    importer: str
    module: str
    name: str | None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files(*tops: str) -> Iterator[Path]:
    for top in tops:
        yield from sorted((ROOT / top).rglob("*.py"))


def imports_of(path: Path) -> Iterator[Import]:
    importer = module_name(path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(importer, alias.name, None)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield Import(importer, base, alias.name)


ALL_MODULES = {module_name(p) for p in source_files(*PACKAGES, "tests")}


def target_modules(imp: Import) -> set[str]:
    """The project modules an import loads: `from pkg import mod` names the submodule."""
    found = set()
    if imp.name and f"{imp.module}.{imp.name}" in ALL_MODULES:
        found.add(f"{imp.module}.{imp.name}")
    elif imp.module in ALL_MODULES:
        found.add(imp.module)
    return found


def project_imports(*tops: str) -> list[Import]:
    return [imp for path in source_files(*tops) for imp in imports_of(path)]


def test_floors_import_down_only() -> None:
    upward = [
        f"{imp.importer} -> {imp.module}"
        for imp in project_imports(*PACKAGES)
        if imp.module.split(".")[0] in FLOOR
        and FLOOR[imp.module.split(".")[0]] > FLOOR[imp.importer.split(".")[0]]
    ]
    assert upward == []


def test_platform_packages_stay_in_their_front_end() -> None:
    strays = [
        f"{imp.importer} imports {imp.module}"
        for imp in project_imports(*PACKAGES)
        for package, home in PLATFORM_PACKAGES.items()
        if imp.module.split(".")[0] == package and not imp.importer.startswith(home)
    ]
    assert strays == []


def test_workers_know_front_ends_not_platforms() -> None:
    strays = [
        f"{imp.importer} imports {imp.module}"
        for imp in project_imports("bot/workers")
        if imp.module.startswith(("bot.platforms.discord", "bot.platforms.slack"))
    ]
    assert strays == []


def test_no_module_takes_a_private_name_of_another() -> None:
    private = {
        (imp.importer, f"{imp.module}.{imp.name}")
        for imp in project_imports(*PACKAGES, "benchmarks")
        if imp.name
        and imp.name.startswith("_")
        and not imp.name.startswith("__")
        and imp.module.split(".")[0] in FLOOR
    }
    assert private - KNOWN_PRIVATE == set(), "new private imports"
    assert KNOWN_PRIVATE - private == set(), "mended: remove them from KNOWN_PRIVATE"


def cycles(imports: list[Import]) -> set[frozenset[str]]:
    """Strongly connected components of more than one module (or a module importing itself)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        for target in target_modules(imp):
            if target != imp.importer and not imp.importer.startswith(target + "."):
                graph.setdefault(imp.importer, set()).add(target)
    found: set[frozenset[str]] = set()
    remaining = {node: set(edges) for node, edges in graph.items()}
    while True:
        try:
            tuple(graphlib.TopologicalSorter(remaining).static_order())
            return found
        except graphlib.CycleError as error:
            cycle = error.args[1]  # each node a predecessor (an import) of the next one
            found.add(frozenset(cycle))
            remaining[cycle[-1]].discard(cycle[-2])  # break the cycle's last edge


def test_no_import_cycle() -> None:
    found = cycles(project_imports(*PACKAGES))
    assert found - KNOWN_CYCLES == set(), "new import cycles"
    assert KNOWN_CYCLES - found == set(), "mended: remove them from KNOWN_CYCLES"


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in tests/support/; conftest fixtures arrive by injection."""
    crossing = [
        (imp.importer, target)
        for imp in project_imports("tests")
        for target in target_modules(imp)
        if target.startswith("tests.")
        and not target.startswith("tests.support")
        and target != "tests"
    ]
    assert crossing == []


def test_the_checks_see_a_breach() -> None:
    """The reader itself works: a fake module importing upward and privately is caught."""
    imp = Import("storage.example", "commands.core.reply", "_private")
    assert FLOOR[imp.module.split(".")[0]] > FLOOR[imp.importer.split(".")[0]]
    assert cycles([Import("bot.a", "bot.b", None), Import("bot.b", "bot.a", None)]) == set()
    assert "commands.core.reply" in ALL_MODULES
    two = [
        Import("commands.core.reply", "commands.core.registry", None),
        Import("commands.core.registry", "commands.core.reply", None),
    ]
    assert cycles(two) == {frozenset({"commands.core.reply", "commands.core.registry"})}
    three = [
        Import("bot.start", "bot.cli", None),
        Import("bot.cli", "bot.app", None),
        Import("bot.app", "bot.start", None),
    ]
    assert cycles(three) == {frozenset({"bot.start", "bot.cli", "bot.app"})}
