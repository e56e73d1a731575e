"""A fake feed server on 127.0.0.1: serves the recorded samples, answers conditional requests,
and plays every bad source (HTML, truncated bodies, huge bodies, redirects, timeouts, 500s).

Each path answers what `serve`, `fail`, `redirect`, ... last said; every request is counted
(`hits`) and its headers kept (`headers`), so a test can see what a poll sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import zipfile
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "feeds"
LAST_MODIFIED = "Sat, 21 Nov 2026 17:00:00 GMT"
Answer = Callable[[web.Request], Awaitable[web.StreamResponse]]


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def epoch_zip(*names: str) -> bytes:
    """Epoch's `benchmark_data.zip` holding these sample CSVs (from tests/data/feeds/epoch)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, sample(f"epoch/{name}"))
    return buffer.getvalue()


class FakeFeeds:
    """`async with FakeFeeds() as feeds:` then `feeds.url("/x")` for a feed's URL."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.headers: list[dict[str, str]] = []
        self._answers: dict[str, Answer] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> FakeFeeds:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        self.headers.append(dict(request.headers))
        answer = self._answers.get(request.path)
        if answer is None:
            return web.Response(status=404, text="not found")
        return await answer(request)

    def serve(self, path: str, body: bytes, content_type: str) -> None:
        """A resource with an ETag and a Last-Modified; a matching conditional GET is a 304."""
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

        async def answer(request: web.Request) -> web.StreamResponse:
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
            return web.Response(body=body, content_type=content_type, headers=headers)

        self._answers[path] = answer

    def serve_plain(self, path: str, body: bytes, content_type: str) -> None:
        """A resource without validators (the poll cannot ask conditionally)."""

        async def answer(request: web.Request) -> web.StreamResponse:
            return web.Response(body=body, content_type=content_type)

        self._answers[path] = answer

    def fail(self, path: str, status: int) -> None:
        async def answer(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, text="upstream trouble")

        self._answers[path] = answer

    def redirect(self, path: str, location: str) -> None:
        async def answer(request: web.Request) -> web.StreamResponse:
            return web.Response(status=302, headers={"Location": location})

        self._answers[path] = answer

    def stall(self, path: str, seconds: float) -> None:
        """Answer only after `seconds` (longer than the poll's timeout)."""

        async def answer(request: web.Request) -> web.StreamResponse:
            await asyncio.sleep(seconds)
            return web.Response(text="[]", content_type="application/json")

        self._answers[path] = answer

    def huge(self, path: str, size: int, *, declared: bool, content_type: str) -> None:
        """A body of `size` bytes, streamed; with or without a Content-Length saying so."""

        async def answer(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": content_type})
            if declared:
                response.content_length = size
            await response.prepare(request)
            chunk = b"[" + b"0," * (64 * 1024)
            sent = 0
            try:
                while sent < size:
                    await response.write(chunk)
                    sent += len(chunk)
            except (ConnectionResetError, RuntimeError):
                pass  # the poller hung up once past its cap
            return response

        self._answers[path] = answer

    def cut(self, path: str, body: bytes, content_type: str) -> None:
        """Declare the whole body, send half of it and hang up."""

        async def answer(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": content_type})
            response.content_length = len(body)
            await response.prepare(request)
            await response.write(body[: len(body) // 2])
            assert request.transport is not None
            request.transport.close()
            return response

        self._answers[path] = answer


def hf_entry(repo_id: str, created: str, **extra: Any) -> dict[str, Any]:
    """One Hugging Face model-list entry in the Hub's format."""
    return {
        "_id": hashlib.sha1(repo_id.encode()).hexdigest()[:24],
        "id": repo_id,
        "createdAt": f"{created}T08:00:00.000Z",
        "gated": False,
        "pipeline_tag": "text-generation",
        "tags": ["transformers", "safetensors", "text-generation", "license:apache-2.0"],
        "safetensors": {"parameters": {"BF16": 7_615_616_512}, "total": 7_615_616_512},
        **extra,
    }
