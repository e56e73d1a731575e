"""Look-alike names in an import, refused as `/admin model add` refuses them (issue 15).

A row's model, organization or benchmark that the database and the file's earlier rows do
not know by its key (`storage.names.normalize`: case, spacing, invisible characters aside)
is new; a new name with the skeleton (`storage.names.skeleton`: confusable characters read
as their ASCII prototypes) of a known or earlier name differs from it only by look-alike
characters, and its row is rejected naming that one. Known names are the canonical names
of the snapshot's entities (aliases are checked where they are added, by /admin).
"""

from __future__ import annotations

from commands.core.errors import UserError
from storage.bulk.plan import Snapshot
from storage.names import skeleton

KINDS = ("model", "organization", "benchmark")


class Lookalikes:
    """Skeletons of the names known and added so far; the known ones made on first need
    (an import that adds no name makes none)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snap = snapshot
        self.known: dict[str, dict[str, str]] | None = None
        self.added: dict[str, dict[str, tuple[str, int]]] = {kind: {} for kind in KINDS}

    def _known(self) -> dict[str, dict[str, str]]:
        if self.known is None:
            names: dict[str, list[str]] = {
                "model": [row.name for row in self.snap.models.values()],
                "organization": [row.name for row in self.snap.orgs.values()],
                "benchmark": [row.name for row in self.snap.benchmarks.values()],
            }
            self.known = {
                kind: {skeleton(name): name for name in set(known)} for kind, known in names.items()
            }
        return self.known

    def check(self, kind: str, name: str) -> None:
        """Refuse a new `name` that only looks like a known one or an earlier row's."""
        shape = skeleton(name)
        existing = self._known()[kind].get(shape)
        where = ""
        if existing is None and (earlier := self.added[kind].get(shape)) is not None:
            existing, where = earlier[0], f"row {earlier[1]} adds it; "
        if existing is not None:
            raise UserError(
                f"The {kind} {existing} already exists ({where}`{name}` differs from it only "
                "by case, spacing, invisible or look-alike characters): write the row with "
                f"{existing}, or give a name that does not look like it."
            )

    def add(self, kind: str, name: str, row: int) -> None:
        """A new name joins the plan (the first row to add a shape names it)."""
        self.added[kind].setdefault(skeleton(name), (name, row))
