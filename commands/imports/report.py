"""What an import found and did, as readers see it: counts, rejected and skipped rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from commands.imports.checks import Rejection
from storage.bulk.writer import Written

SHOWN = 20  # rejected rows listed in a reply; the rest are counted


@dataclass
class ImportReport:
    """What an import found and did; `written` is None when nothing was written."""

    filename: str
    kind: str
    counts: Counter[str]
    rejected: list[Rejection]
    skipped: list[tuple[int, int, str]]
    notes: list[str] = field(default_factory=list)
    written: Written | None = None
    batch: str | None = None
    lead_changes: list[str] = field(default_factory=list)
    skip_invalid: bool = False
    lock_holds: list[float] = field(default_factory=list)  # seconds per write transaction

    @property
    def refused(self) -> bool:
        """Nothing written because of invalid rows (skipping them left nothing valid)."""
        valid = sum(self.counts.values())
        return self.written is None and bool(self.rejected) and not (self.skip_invalid and valid)

    def text(self, shown: int = SHOWN) -> str:
        """The report as readers see it: counts, then why rows were rejected or skipped."""
        c = self.counts
        lines = [
            f"{self.filename} ({self.kind}): added {c['added']}, updated {c['updated']}, "
            f"unchanged {c['unchanged']}, rejected {len(self.rejected)}"
            + (f", skipped {len(self.skipped)}" if self.skipped else "")
            + "."
        ]
        if self.written is not None:
            w = self.written
            lines.append(
                f"Wrote {w.benchmarks} benchmark(s), {w.organizations} organization(s), "
                f"{w.models} model(s), {w.scores} score(s), {w.updates} update(s); "
                f"{w.events} event(s) in batch {self.batch}."
            )
        elif self.refused and self.skip_invalid:
            lines.append("Nothing was written: not one row is valid.")
        elif self.refused:
            lines.append(
                f"Nothing was written: {len(self.rejected)} row(s) are invalid. Fix them, "
                "or import again skipping invalid rows (--skip-invalid / skip_invalid)."
            )
        else:
            lines.append("Nothing to write: the database already has all of it.")
        lines += self.lead_changes
        lines += [f"Rejected {r.where}: {r.reason}" for r in self.rejected[:shown]]
        if len(self.rejected) > shown:
            lines.append(f"... and {len(self.rejected) - shown} more rejected rows.")
        groups: dict[str, list[int]] = {}
        for number, _, reason in self.skipped:
            groups.setdefault(reason, []).append(number)
        for reason, numbers in sorted(groups.items(), key=lambda g: -len(g[1])):
            shown_rows = ", ".join(map(str, numbers[:3])) + (", ..." if len(numbers) > 3 else "")
            lines.append(f"Skipped {len(numbers)} row(s), {reason}: row {shown_rows}")
        lines += [f"Note: {n}" for n in self.notes[:shown]]
        return "\n".join(lines)
