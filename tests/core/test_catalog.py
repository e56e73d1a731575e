"""The catalog names each command module under the roots of the commands it declares, and
a command looked up loads its own module only."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import commands.slash
from commands.core.catalog import MODULES, REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def test_each_command_comes_from_a_module_listed_under_its_root() -> None:
    listed = {(root, module) for root, modules in MODULES.items() for module in modules}
    declared = {(command.path[0], command.handler.__module__) for command in REGISTRY}
    assert declared == listed


def test_every_command_module_is_in_the_catalog() -> None:
    found = pkgutil.walk_packages(commands.slash.__path__, "commands.slash.")
    modules = {module.name for module in found if not module.ispkg}
    assert modules == {module for modules in MODULES.values() for module in modules}


def test_a_command_looked_up_loads_its_module_and_no_other() -> None:
    code = (
        "import sys\n"
        "from commands.core.catalog import REGISTRY\n"
        "gap, feed = REGISTRY.get(('gap',)), REGISTRY.get(('admin', 'feed', 'add'))\n"
        "slash = [m for m in sys.modules if m.startswith('commands.slash.')]\n"
        "print(gap.name, feed.name, sorted(m for m in slash if 'admin' not in m))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "gap admin feed add ['commands.slash.gap']"
