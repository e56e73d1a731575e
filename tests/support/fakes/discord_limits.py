"""Discord's rate limits as the fake enforces them: per-route buckets, a global limit, faults."""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Verdict:
    """What the fake answers before running a handler: headers to add, or a refusal."""

    headers: dict[str, str]
    status: int = 0  # 0: go ahead
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Bucket:
    limit: int
    window: float
    used: int = 0
    resets_at: float = 0.0


@dataclass
class Fault:
    """Answer the next `remaining` matching requests with `status` (and Discord's error body)."""

    status: int
    remaining: int
    path: str | None = None
    retry_after: float = 0.1
    is_global: bool = False


class RateLimits:
    """Buckets per (route, major parameter); `limit` requests per `window` seconds each."""

    def __init__(
        self,
        limit: int = 50,
        window: float = 1.0,
        global_per_second: int = 50,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock  # seconds; tests may stop it
        self.limit = limit
        self.window = window
        self.global_per_second = global_per_second
        self.route_limits: dict[str, tuple[int, float]] = {}
        self.faults: list[Fault] = []
        self.global_refusals = 0  # 429s answered for the global limit (not injected faults)
        self._buckets: dict[str, _Bucket] = {}
        self._recent: deque[float] = deque()

    def set_route_limit(self, route: str, limit: int, window: float) -> None:
        """E.g. `("POST /channels/{channel_id}/messages", 5, 5.0)`, like Discord's real one."""
        self.route_limits[route] = (limit, window)

    def check(self, method: str, route: str, major: str, path: str, exempt_global: bool) -> Verdict:
        """Count one request; say whether it may pass and which headers describe its bucket."""
        now = self.clock()
        fault = self._fault(path)
        if fault is not None:
            return _fault_verdict(fault)
        if not exempt_global:
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.global_per_second:
                self.global_refusals += 1
                retry = 1.0 - (now - self._recent[0])
                return _too_many(retry, is_global=True, headers={})
            self._recent.append(now)
        key = f"{method} {route}"
        bucket_hash = hashlib.sha1(key.encode()).hexdigest()[:16]
        bucket = self._buckets.setdefault(f"{key}:{major}", _Bucket(*self._limit_of(key)))
        if now >= bucket.resets_at:
            bucket.used, bucket.resets_at = 0, now + bucket.window
        reset_after = bucket.resets_at - now
        headers = {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(bucket.limit - bucket.used - 1, 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket_hash,
        }
        if bucket.used >= bucket.limit:
            headers["X-RateLimit-Remaining"] = "0"
            return _too_many(reset_after, is_global=False, headers=headers)
        bucket.used += 1
        return Verdict(headers)

    def _limit_of(self, key: str) -> tuple[int, float]:
        return self.route_limits.get(key, (self.limit, self.window))

    def _fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.remaining > 0 and (fault.path is None or fault.path in path):
                fault.remaining -= 1
                return fault
        return None


def _too_many(retry_after: float, *, is_global: bool, headers: dict[str, str]) -> Verdict:
    retry_after = max(round(retry_after, 3), 0.001)
    headers = dict(headers)
    headers.update({"Retry-After": str(max(int(retry_after + 0.999), 1)), "Via": "1.1 google"})
    headers["X-RateLimit-Scope"] = "global" if is_global else "user"
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
        "code": 0,
    }
    return Verdict(headers, 429, body)


def _fault_verdict(fault: Fault) -> Verdict:
    if fault.status == 429:
        return _too_many(fault.retry_after, is_global=fault.is_global, headers={})
    return Verdict(
        {}, fault.status, {"message": f"{fault.status}: injected by the fake", "code": 0}
    )
