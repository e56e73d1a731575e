"""/admin import: a curator loads a CSV or JSON file (or Epoch AI's ECI file) in one go."""

from __future__ import annotations

from commands.core.errors import UserError
from commands.core.options import Attachment
from commands.core.registry import REGISTRY, Autocomplete, Option, OptionType, Permission, Request
from commands.core.reply import Reply
from storage.engine.db import Database

MAX_BYTES = 50 * 1024 * 1024  # about 500,000 rows of the generic CSV


@REGISTRY.command(
    "admin",
    "import",
    description="Import models and scores from a CSV or JSON file (all rows valid, or nothing)",
    permission=Permission.CURATOR,
    options=(
        Option(
            "file",
            "CSV or JSON: model, organization, country, release_date, benchmark, score, source",
            OptionType.ATTACHMENT,
            required=True,
        ),
        Option(
            "benchmark",
            "The benchmark of a file with one score column (e.g. ECI)",
            autocomplete=Autocomplete.BENCHMARK,
        ),
        Option(
            "skip_invalid",
            "Import the valid rows and leave the invalid ones out",
            OptionType.BOOLEAN,
        ),
    ),
    examples=("/admin import file:scores.csv", "/admin import file:epoch_eci.csv benchmark:ECI"),
    slow=True,
)
async def admin_import(request: Request, db: Database) -> Reply:
    """Check every row, write all of them or none, and say what happened row by row."""
    file: Attachment = request.get("file")
    if len(file.data) > MAX_BYTES:
        raise UserError(
            f"{file.filename} is {len(file.data) // 1024 // 1024} MiB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MiB. Split it, or use `racewatch import`."
        )
    from commands.imports.pipeline import import_bytes  # loaded by imports only, not at start

    report = await import_bytes(
        db,
        file.filename,
        file.data,
        benchmark=request.get("benchmark"),
        skip_invalid=request.get("skip_invalid", False),
        actor=request.caller.actor,
        now=request.now,
    )
    if report.refused:
        return Reply.error(report.text())
    title = f"Imported {file.filename}" if report.written else f"{file.filename}: nothing new"
    return Reply(title=title, body=report.text())
