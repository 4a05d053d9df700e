"""The outer edge of every request: a body-size limit applied before anything reads the body (or
authenticates), and a last-resort shield that turns an unexpected exception into a 500 in the IQM envelope.

Both are plain ASGI middleware so they run before routing, dependencies and body parsing.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adplane.core.errors import TooManyRequests, error_body
from adplane.core.settings import Settings

log = structlog.get_logger("adplane.errors")

# Paths that legitimately carry large bodies get their own (larger) limit settings.
UPLOAD_PATHS = ("/api/v3/crt/creatives", "/api/v3/audience/matched", "/api/v2/audience/matched/add")
INGEST_PATHS = ("/api/v3/adplane/events/batches", "/internal/events/batches")


async def send_envelope(send: Send, path: str, status: int, error: str, *, field: str | None = None,
                        close: bool = False) -> None:
    """Answer `status` with the IQM error envelope of `path`."""
    obj: dict[str, Any] = {"error": error}
    if field is not None:
        obj["field"] = field
    body = json.dumps(error_body(path, status, [obj])).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(BaseException):
    """Raised from `receive`; a BaseException so body parsers' `except Exception` cannot turn it into a 400."""


def body_limit_for(settings: Settings, method: str, path: str) -> int:
    if method == "POST" and path in UPLOAD_PATHS:
        return settings.max_upload_bytes
    if method == "POST" and path in INGEST_PATHS:
        return settings.max_ingest_bytes
    return settings.max_request_bytes


class BodyLimitMiddleware:
    """413 when a request body is larger than its limit: at once from Content-Length, else while streaming.

    The connection is closed after a 413 (the unread rest of the body cannot be skipped cheaply)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = body_limit_for(self.settings, scope.get("method", "GET"), path)
        message = f"Request body is larger than the limit of {limit} bytes."
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await send_envelope(send, path, 413, message, field="body", close=True)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await send_envelope(send, path, 413, message, field="body", close=True)
        except BaseExceptionGroup as group:  # task groups (streaming middleware) wrap it with its consequences
            if group.split(BodyTooLarge)[0] is None:
                raise
            if not started:
                await send_envelope(send, path, 413, message, field="body", close=True)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class ShieldMiddleware:
    """Any exception nothing else handled becomes a logged 500 in the envelope, and is not re-raised:
    the server then keeps the connection usable instead of dropping it mid-keep-alive."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled_error", path=scope.get("path"))
            if not started:
                await send_envelope(send, scope.get("path", ""), 500, "server encountered an error !")


class RateLimiter:
    """Hits per key per second in this process (a token bucket): a runaway tag cannot flood the store.
    Used by the public intakes (conversion pixels and postbacks, retargeting pixels)."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: int, per_second: int) -> None:
        """One token for `key`; 429 with Retry-After when none is left. `per_second` <= 0: no limit."""
        if per_second <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(per_second), now))
            tokens = min(float(per_second), tokens + (now - last) * per_second)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                raise TooManyRequests(f"Too many {self._what}; slow down.", headers={"Retry-After": "1"})
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > 100_000:
                self._buckets.clear()
