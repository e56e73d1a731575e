"""The neutral reply every command returns; each front end renders it for its platform."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Field:
    """A labelled value shown beside others (an embed field, a Block Kit field)."""

    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True)
class Table:
    """Rows of plain-text cells under a header; renderers decide how to lay it out."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    narrow_first: tuple[int, ...] = ()
    """Columns cut (down to 8 characters) before any other when the table is too wide."""


@dataclass(frozen=True)
class Image:
    """A picture attached to the reply (PNG bytes)."""

    filename: str
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class Button:
    """A button under a reply: a click runs `command` as the person who clicked, with their
    rights (a refusal changes nothing), exactly as if they had typed it. `style`: primary,
    danger or secondary."""

    label: str
    command: str
    style: str = "secondary"


@dataclass(frozen=True)
class FormField:
    """One text box of a form, prefilled; its answer is given to the form's command as
    `name:"answer"` (an emptied box gives nothing)."""

    name: str
    label: str
    value: str = ""


@dataclass(frozen=True)
class Form:
    """A reply that asks for a few values first (a Discord modal, a Slack modal view): once
    submitted, `command` runs with the answers as options. Where no form can open (the
    console) the reply's text says the command to type."""

    title: str
    command: str
    fields: tuple[FormField, ...]
    submit: str = "Submit"

    def line(self, answers: dict[str, str]) -> str:
        """The command as typed with these answers (quotes in an answer are dropped)."""
        words = [self.command]
        for field_ in self.fields:
            value = " ".join(answers.get(field_.name, "").replace('"', "").split())
            if value:
                words.append(f'{field_.name}:"{value}"')
        return " ".join(words)


@dataclass(frozen=True)
class Reply:
    """What a command answers: title, text, fields, a table, a footer and maybe an image.

    `ephemeral` replies are shown only to the person who asked; `is_error` marks
    refusals and mistakes so front ends can style them and exit non-zero.
    """

    title: str = ""
    body: str = ""
    fields: tuple[Field, ...] = ()
    table: Table | None = None
    footer: str = ""
    image: Image | None = None
    ephemeral: bool = False
    is_error: bool = False
    extra: tuple[str, ...] = field(default=())
    mention: str = ""
    """A role (Discord) or user group (Slack) id this message pings; every other message pings
    nobody. Set only on a lead-change alert of a channel that opted in."""
    post: Reply | None = None
    """A message the front end also posts in the caller's channel the way alerts are posted
    (the /subscribe test alert), so a missing permission shows as it would for an alert."""
    reply_to: str | None = None  # a message of the channel this answers (a correction)
    buttons: tuple[tuple[Button, ...], ...] = ()
    """Rows of buttons under the message (at most 5 rows of 5: Discord's limit)."""
    refresh: str = ""
    """The command whose fresh answer replaces this message after one of its buttons did
    something (the review queue, without the proposal just decided)."""
    form: Form | None = None
    """Open this form instead of answering (when the platform can)."""

    @classmethod
    def error(cls, message: str) -> Reply:
        """A refusal or mistake, shown only to the caller."""
        return cls(body=message, ephemeral=True, is_error=True)

    def plain_text(self) -> str:
        """The whole reply as plain text: the console's rendering and every platform's fallback."""
        parts: list[str] = []
        if self.title:
            parts.append(self.title)
        if self.body:
            parts.append(self.body)
        if self.table is not None:
            parts.append(format_table(self.table))
        parts.extend(f"{f.name}: {f.value}" for f in self.fields)
        parts.extend(self.extra)
        if self.image is not None:
            parts.append(f"[image: {self.image.filename}]")
        if self.footer:
            parts.append(self.footer)
        return "\n".join(parts)


PHONE_WIDTH = 56  # characters of a monospace table a phone shows without scrolling


def is_number(text: str) -> bool:
    """A cell that reads as a number (`74.4`, `+2.9`, `8.5%`, `1,234`): right-aligned, never cut."""
    return text.replace(",", "").replace(".", "", 1).lstrip("+-").rstrip("%").isdigit()


def fitted_widths(table: Table, width: int) -> list[int]:
    """Column widths within `width`: the `narrow_first` columns, then the widest text column,
    give a character at a time (cells then end in `…`) until the table fits. Numbers are
    never cut, only a header wider than them."""
    grid = [table.columns, *table.rows]
    widths = [max(len(row[i]) for row in grid) for i in range(len(table.columns))]
    floor = [
        max(len(r[i]) for r in table.rows)
        if table.rows and all(is_number(r[i]) for r in table.rows)
        else 4
        for i in range(len(widths))
    ]

    def too_wide() -> bool:
        return sum(widths) + 2 * (len(widths) - 1) > width

    for i in table.narrow_first:
        while too_wide() and widths[i] > max(8, floor[i]):
            widths[i] -= 1
    while too_wide():
        cuttable = [i for i, w in enumerate(widths) if w > floor[i]]
        if not cuttable:
            break
        widths[max(cuttable, key=lambda i: widths[i] - floor[i])] -= 1
    return widths


def format_table(table: Table, width: int = PHONE_WIDTH) -> str:
    """Align a table's cells in columns (monospace), numbers right-aligned, within `width`
    characters when cutting text cells can make it fit (a phone's screen by default)."""
    widths = fitted_widths(table, width)

    def cell(text: str, size: int) -> str:
        text = clip(text, size)
        return text.rjust(size) if is_number(text) else text.ljust(size)

    grid = [table.columns, *table.rows]
    lines = [
        "  ".join(cell(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in grid
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def footnotes(texts: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Long cells (citations) as `[1]`, `[2]`... for a table, each distinct text once as a
    numbered note to print under it, so the table stays within `PHONE_WIDTH`."""
    numbers: dict[str, int] = {}
    refs = [f"[{numbers.setdefault(text, len(numbers) + 1)}]" for text in texts]
    return refs, tuple(f"[{n}] {text}" for text, n in numbers.items())


def clip(text: str, width: int) -> str:
    """A cell cut to `width` characters with an ellipsis, for names in narrow columns."""
    return text if len(text) <= width else text[: width - 1] + "…"


WEIGHTS_KEY = "W: ◦ open weights, ● closed, ? unknown."


def weights_mark(weights: str | None) -> str:
    """One character for a model's weights, so a table of models stays phone-wide."""
    return {"open": "◦", "closed": "●"}.get(weights or "", "?")


def after_click(fresh: Reply, done: Reply, who: str) -> Reply:
    """The message a button click leaves behind: what was done and by whom (`Approved #12 by
    Alice`), above the fresh answer of the message's command (its buttons up to date)."""
    said = f"{done.title} by {who}" if done.title else f"Done by {who}"
    lines = [f"{said}: {done.body}" if done.body else said]
    if fresh.body:
        lines.append(fresh.body)
    return replace(fresh, body="\n\n".join(lines), is_error=False)
