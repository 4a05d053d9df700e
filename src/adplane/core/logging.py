"""Structured JSON logs, one object per line on stderr, for adplane's own events and for every
stdlib logger (uvicorn, alembic, httpx, warnings) alike: structlog renders both through one
`ProcessorFormatter` on the root handler.

Request logs carry a request id, method, route, status and duration; never headers, bodies or query
strings (which can hold signed-URL signatures). httpx's request lines are logged without their query.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adplane.core.metrics import route_template

REDACTED_KEYS = {"password", "client_secret", "clientSecret", "access_token", "refresh_token", "authorization",
                 "token", "secret"}

# Loggers of libraries that set up handlers of their own or must reach ours through the root.
ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic", "httpx", "httpcore", "py.warnings")


def _redact(_logger: object, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        if key in REDACTED_KEYS:
            event_dict[key] = "[redacted]"
    return event_dict


class CappedJSONRenderer:
    """JSON lines of at most `max_chars`: long values (tracebacks, echoed input) are shortened first,
    keeping the line valid JSON and marked `"truncated": true`; a line still too long is cut hard."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max(256, max_chars)
        self._render = structlog.processors.JSONRenderer()

    def __call__(self, logger: object, method: str, event_dict: MutableMapping[str, Any]) -> str:
        line = str(self._render(logger, method, event_dict))
        if len(line) <= self.max_chars:
            return line
        budget = max(64, self.max_chars // max(1, len(event_dict)) - 16)
        shortened = {key: (value[:budget] + "…" if isinstance(value, str) and len(value) > budget else value)
                     for key, value in event_dict.items()}
        shortened["truncated"] = True
        line = str(self._render(logger, method, shortened))
        return line if len(line) <= self.max_chars else line[: self.max_chars - 1] + "…"


def _level_name(level: str) -> int:
    value = logging.getLevelName(level.upper())
    return value if isinstance(value, int) else logging.INFO


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _DropQuery(logging.Filter):
    """httpx logs each request's full URL; the query can carry signatures, so drop it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_without_query(arg) for arg in record.args)
        return True


def _without_query(value: Any) -> Any:
    copy_with = getattr(value, "copy_with", None)
    query: Any = getattr(value, "query", None)
    if copy_with is not None and query:
        return copy_with(query=None)
    return value


_libraries_shown = False


def configure_logging(level: str = "INFO", max_line_chars: int = 16_384, *, libraries: bool = False) -> None:
    """Route structlog and the stdlib's logging into one JSON handler on stderr (idempotent).

    Every logger logs at `level`, except the chatty libraries of `ROUTED_LOGGERS` (uvicorn, alembic,
    httpx): the `serve` and `worker` processes pass `libraries=True` so their info records show too;
    an app built inside another program (the demo seeding, tests) shows only their warnings, until
    `quiet_libraries` ends a command that showed them."""
    global _libraries_shown
    _libraries_shown = _libraries_shown or libraries
    numeric = _level_name(level)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            CappedJSONRenderer(max_line_chars),
        ],
    )
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _StderrHandler) or getattr(handler, "_adplane", False):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler._adplane = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in ROUTED_LOGGERS:  # their own handlers (if any) would print plain text
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.propagate = True
    _set_library_levels()
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(f, _DropQuery) for f in httpx_logger.filters):
        httpx_logger.addFilter(_DropQuery())
    logging.captureWarnings(True)  # a warning is a log line too, not a bare stderr print


def _set_library_levels() -> None:
    for name in ROUTED_LOGGERS:
        if name != "py.warnings":
            logging.getLogger(name).setLevel(logging.NOTSET if _libraries_shown else logging.WARNING)


def quiet_libraries() -> None:
    """Undo `libraries=True` when a command ends inside a longer-lived process (a test runner), so
    library records stop showing in later commands' output."""
    global _libraries_shown
    _libraries_shown = False
    _set_library_levels()


class RequestLogMiddleware:
    """One JSON line per request (method, path, route, status, duration) and an X-Request-ID header.

    A plain ASGI middleware: Starlette's BaseHTTPMiddleware runs the rest of the app in a separate
    task and re-streams the response, which cost more than the line itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id") or uuid.uuid4().hex
        if len(request_id) > 100 or not request_id.isprintable():
            request_id = uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        request_id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), request_id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            structlog.get_logger("adplane.request").info(
                "request",
                method=scope["method"],
                path=scope["path"],
                route=route_template(scope),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
