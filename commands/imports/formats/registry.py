"""The import formats, tried in turn: the first whose `sniff` knows the file reads it.

A new format is a module in this folder (see `base.Format`) and one line in `FORMATS`.
"""

from __future__ import annotations

from commands.imports.formats import epoch, epoch_hub, generic_csv, generic_json
from commands.imports.formats.base import Format, Parsed, decode

FORMATS: tuple[Format, ...] = (
    generic_json,
    epoch,
    epoch_hub,
    generic_csv,  # last: it takes any text
)


def read_file(filename: str, data: bytes, *, benchmark: str | None = None) -> Parsed:
    """The file's rows, read by the first format that recognises it."""
    text = decode(data)
    for form in FORMATS:
        if form.sniff(filename, text):
            return form.read(text, benchmark)
    raise AssertionError("the generic CSV reads any text")
