"""Lengths and ranges the columns can hold: options, parsers and the schema all read these."""

from __future__ import annotations

NAME_LENGTH = 100  # a model, organization or benchmark name, its name key, a person, a licence
UNIT_LENGTH = 20  # a benchmark's unit
TEXT_LENGTH = 1000  # a claim, a description, a note (Text columns: the option's limit)
SOURCE_LENGTH = 500  # a URL or citation (Text columns: the option's limit)
INTEGER_MAX = 2**31 - 1  # PostgreSQL's INTEGER; ids and counts never exceed it
