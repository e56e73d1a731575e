"""Polite HTTP for feeds: conditional GETs with a timeout, a size cap and a clear User-Agent.

Everything that can go wrong with a source (no answer, an error status, a redirect to another
host, the wrong content type, a body over the cap) is a `FeedError` with a reason a curator
can read in `/admin feed list`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

if TYPE_CHECKING:  # aiohttp loads when a feed is polled, not with every command
    import aiohttp

USER_AGENT = "Racewatch/0.1 (AI-race score bot; polls public feeds at most hourly, honours ETag)"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


class FeedError(Exception):
    """A source that could not be read; `reason` says why, in a curator's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how trusting a poll is (tests shrink these)."""

    timeout_s: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 3
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """One answer: 304 (`not_modified`, no body) or 200 with its body and validators."""

    url: str
    not_modified: bool
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def media_type(header: str) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return header.split(";", 1)[0].strip().lower()


def accepted(content_type: str, accepts: tuple[str, ...]) -> bool:
    """Whether a media type is one of `accepts`; `+json` / `+xml` suffixes count as their base."""
    kind = media_type(content_type)
    if kind in accepts:
        return True
    suffix = kind.rpartition("+")[2]
    return bool(suffix) and "+" in kind and f"application/{suffix}" in accepts


class FeedClient:
    """One HTTP session for a round of polls; counts the requests it sends."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self.requests = 0
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> FeedClient:
        import aiohttp

        self._session = aiohttp.ClientSession(
            headers={"User-Agent": self.policy.user_agent},
            timeout=aiohttp.ClientTimeout(total=self.policy.timeout_s),
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(
        self,
        url: str,
        *,
        accepts: tuple[str, ...],
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """GET `url` (its #fragment is not sent), following redirects on the same host only."""
        import aiohttp

        headers = {"Accept": ", ".join(accepts)}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        target = urldefrag(url).url
        host = urlsplit(target).netloc
        try:
            for _ in range(self.policy.max_redirects + 1):
                fetched = await self._once(target, headers, accepts)
                if isinstance(fetched, Fetched):
                    return fetched
                target = urljoin(target, fetched)
                if urlsplit(target).netloc != host:
                    raise FeedError(f"redirected to another host ({urlsplit(target).netloc})")
        except TimeoutError:
            raise FeedError(f"no answer within {self.policy.timeout_s:g} s") from None
        except aiohttp.ClientError as error:
            raise FeedError(f"cannot reach {host}: {error or type(error).__name__}") from None
        raise FeedError(f"more than {self.policy.max_redirects} redirects")

    async def _once(
        self, url: str, headers: dict[str, str], accepts: tuple[str, ...]
    ) -> Fetched | str:
        """One request: the answer, or where a redirect points."""
        assert self._session is not None, "use the client as `async with FeedClient()`"
        self.requests += 1
        async with self._session.get(url, headers=headers, allow_redirects=False) as response:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FeedError(f"HTTP {response.status} without a Location")
                return location
            if response.status == 304:
                return Fetched(url, not_modified=True)
            if response.status != 200:
                raise FeedError(f"HTTP {response.status} {response.reason or ''}".strip())
            content_type = response.headers.get("Content-Type", "")
            if not accepted(content_type, accepts):
                said = media_type(content_type) or "no content type"
                raise FeedError(f"expected {' or '.join(accepts[:2])}, got {said}")
            body = await self._body(response)
            return Fetched(
                url,
                not_modified=False,
                body=body,
                content_type=media_type(content_type),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )

    async def _body(self, response: aiohttp.ClientResponse) -> bytes:
        """The body, refused as soon as it passes the cap (declared or counted)."""
        cap = self.policy.max_bytes
        declared = response.content_length
        if declared is not None and declared > cap:
            raise FeedError(f"body of {_mb(declared)} is over the {_mb(cap)} cap")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > cap:
                raise FeedError(f"body over the {_mb(cap)} cap")
            chunks.append(chunk)
        return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
