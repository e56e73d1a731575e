"""A source's URL check takes plain http(s) URLs without `urlsplit`: same verdicts as with it."""

import unicodedata
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.core.errors import UserError
from commands.core.options import _DANGEROUS_SCHEME, parse_source


def by_urlsplit(value: str) -> bool:
    """The rule as `urlsplit` states it: a citation, or an http(s) scheme and a host."""
    if "://" not in value and not _DANGEROUS_SCHEME.match(value):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def accepted(value: str) -> bool:
    try:
        parse_source(value)
    except UserError:
        return False
    except ValueError:  # urlsplit's own refusal (a broken [IPv6] host), as before
        return False
    return True


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/evals/1",
        "HTTP://Example.org",
        "https://user:pw@host:8080/p?q#f",
        "https:///path",
        "https://?q",
        "https://[::1]/x",
        "https://[::1/x",
        "https://exa mple.org/",
        "https://\texample.org/",
        "https://b\u00fccher.de/",
        "ftp://example.org/x",
        "https:/example.org",
    ],
)
def test_plain_urls_get_the_verdict_urlsplit_gives(value: str) -> None:
    assert accepted(value) == by_urlsplit(value.strip())


@given(st.sampled_from(["http://", "https://", "HTTPS://"]), st.text(max_size=30))
def test_any_url_gets_the_verdict_urlsplit_gives(scheme: str, rest: str) -> None:
    value = (scheme + rest).strip()
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n" for c in value):
        return  # refused earlier, as control characters or lone surrogates
    assert accepted(value) == by_urlsplit(value)
