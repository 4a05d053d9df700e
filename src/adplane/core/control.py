"""CLI ↔ running server hand-off: DuckDB lets one process write, so a CLI command that writes
asks a live `adplane serve` on the same data dir to do the work instead of opening the files.

The server advertises itself in `<data dir>/server.json` (URL, pid and a random control key,
mode 600) while it runs. CLI commands call `live_server(settings)`: a `ServerInfo` when a server
answers there (then `call` its internal endpoints with the key), else None (do the work locally).
Internal endpoints live under `/internal/` and depend on `ControlKeyDep`.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from adplane.core.errors import NotFound
from adplane.core.settings import Settings

CONTROL_HEADER = "X-Adplane-Control-Key"
SERVER_FILE = "server.json"


@dataclass(frozen=True)
class ServerInfo:
    url: str
    key: str
    pid: int

    def call(self, method: str, path: str, *, timeout: float | None = 60.0, **kwargs: Any) -> Any:
        """An httpx request to the server with the control key (returns the httpx.Response)."""
        import httpx

        headers = {**kwargs.pop("headers", {}), CONTROL_HEADER: self.key}
        return httpx.request(method, self.url + path, headers=headers, timeout=timeout, **kwargs)

    @contextmanager
    def stream(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> Iterator[Any]:
        import httpx

        headers = {**kwargs.pop("headers", {}), CONTROL_HEADER: self.key}
        with httpx.stream(method, self.url + path, headers=headers, timeout=timeout, **kwargs) as response:
            yield response


def server_file(settings: Settings) -> Any:
    return settings.data_dir / SERVER_FILE


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_server_file(settings: Settings) -> ServerInfo | None:
    path = server_file(settings)
    try:
        data = json.loads(path.read_text())
        return ServerInfo(url=str(data["url"]).rstrip("/"), key=str(data["key"]), pid=int(data["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def live_server(settings: Settings, *, wait_seconds: float = 10.0) -> ServerInfo | None:
    """The server running on this data dir, if one answers (waits while one is still starting)."""
    import httpx

    deadline = time.monotonic() + wait_seconds
    while True:
        info = read_server_file(settings)
        if info is None or not _pid_alive(info.pid):
            return None
        try:
            if httpx.get(info.url + "/healthz", timeout=2.0).status_code == 200:
                return info
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.2)


@contextmanager
def advertise(settings: Settings, app: Any, url: str) -> Iterator[ServerInfo]:
    """Write server.json (mode 600) and give the app its control key for as long as the block runs."""
    settings.ensure_dirs()
    info = ServerInfo(url=url.rstrip("/"), key=secrets.token_urlsafe(32), pid=os.getpid())
    app.state.control_key = info.key
    path = server_file(settings)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"url": info.url, "key": info.key, "pid": info.pid}, handle)
    os.chmod(path, 0o600)
    # uvicorn re-raises SIGTERM once it has shut down: turn it into SystemExit so the file goes away.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield info
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        current = read_server_file(settings)
        if current is not None and current.key == info.key:
            path.unlink(missing_ok=True)


def _exit_on_sigterm(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def require_control_key(request: Request,
                        key: Annotated[str | None, Header(alias=CONTROL_HEADER, include_in_schema=False)] = None,
                        ) -> None:
    """Internal endpoints answer only the local CLI holding the key (else 404, as if absent)."""
    expected = getattr(request.app.state, "control_key", None)
    if not expected or not key or not hmac.compare_digest(expected, key):
        raise NotFound("Resource not found")


ControlKeyDep = Annotated[None, Depends(require_control_key)]
