"""`AdplaneClient`: the synchronous SDK over httpx."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import httpx

from adplane.client._base import RETRY_STATUSES, ClientBase
from adplane.client.calls import Call, Pages, unwrap
from adplane.client.config import ClientConfig
from adplane.client.errors import ApiError, AuthenticationError, ConnectionFailed, ValidationError
from adplane.client.tokens import Token

Destination = str | Path | IO[bytes] | None


class AdplaneClient(ClientBase):
    """Log in, then call any endpoint: `client.io.add(...)`, `client.reports.execute(...)`, ...

    Use as a context manager (or call `close()`) to release connections.
    """

    def __init__(self, config: ClientConfig | None = None, *, http: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.http = http or httpx.Client(base_url=self.config.base_url, timeout=self.timeout())
        self._token_lock = threading.RLock()

    def __enter__(self) -> AdplaneClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # --- session ------------------------------------------------------------------------
    def login(self, email: str | None = None, password: str | None = None) -> Token:
        """Log in with the user's credentials (arguments or config); the token is kept and refreshed."""
        self.auth.login(email=email, password=password)
        assert self.token is not None
        return self.token

    def refresh(self) -> Token:
        """Trade the refresh token for a new pair now (refresh tokens are single-use)."""
        with self._token_lock:
            return self._renew(self.token)

    def _valid_token(self) -> Token:
        with self._token_lock:
            if self.token is None:
                return self.login()
            if self.needs_refresh(self.token):
                return self._renew(self.token)
            return self.token

    def _renew(self, stale: Token | None) -> Token:
        with self._token_lock:
            if self.token is not None and self.token is not stale:
                return self.token  # another thread renewed it meanwhile
            if self.token is not None and self.token.refresh_token:
                try:
                    self.auth.oauth_token(grant_type="refresh_token", refresh_token=self.token.refresh_token)
                    return self.token
                except (AuthenticationError, ValidationError):
                    if not self.can_log_in():
                        raise
            return self.login()

    # --- calls --------------------------------------------------------------------------
    def _call(self, call: Call) -> Any:
        if not call.authenticated:
            return unwrap(call, self._send(call, None), typed=self.config.typed)
        token = self._valid_token()
        response = self._send(call, token)
        if response.status_code == 401:
            response = self._send(call, self._renew(token))
        return unwrap(call, response, typed=self.config.typed)

    def _send(self, call: Call, token: Token | None) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self.http.request(**self.request_args(call, token))
            except httpx.TransportError as exc:
                if not self.may_retry(call, attempt):
                    raise ConnectionFailed(f"{type(exc).__name__}: {exc}", method=call.method, path=call.path) from exc
            else:
                if response.status_code not in RETRY_STATUSES or not self.may_retry(call, attempt):
                    return response
            time.sleep(self.backoff(attempt))
            attempt += 1

    def _paginate(self, pages: Pages) -> Iterator[Any]:
        page_no, seen = pages.first_page, 0
        while True:
            data = self._call(replace(pages.call_for_page(page_no, pages.page_size), typed=False))
            items = pages.items(data)
            seen += len(items)
            yield from items
            if pages.is_last(data, items, seen):
                return
            page_no += 1

    # --- downloads ----------------------------------------------------------------------
    @contextmanager
    def stream(self, url: str, chunk_size: int = 65536) -> Iterator[Iterator[bytes]]:
        """Open a download (a signed URL or an API path) and yield its chunks."""
        call = Call("GET", url)
        headers = self.bearer_headers(self.token) if self.same_origin(url) else {}
        attempt = 0
        while True:
            try:
                request = self.http.build_request("GET", url, headers=headers)
                response = self.http.send(request, stream=True)
            except httpx.TransportError as exc:
                if not self.may_retry(call, attempt):
                    raise ConnectionFailed(f"{type(exc).__name__}: {exc}", method="GET", path=url) from exc
            else:
                if response.status_code not in RETRY_STATUSES or not self.may_retry(call, attempt):
                    break
                response.close()
            time.sleep(self.backoff(attempt))
            attempt += 1
        try:
            if response.status_code >= 400:
                response.read()
                unwrap(call, response)
                raise ApiError(response.status_code, [{"error": "download failed"}], method="GET", path=url)
            yield response.iter_bytes(chunk_size)
        finally:
            response.close()

    def download(self, url: str, to: Destination = None) -> Path | bytes | int:
        """Fetch a file: bytes when `to` is None, the path when `to` is a path, the byte count when
        `to` is an open binary file."""
        with self.stream(url) as chunks:
            if to is None:
                return b"".join(chunks)
            if isinstance(to, str | Path):
                path = Path(to)
                with path.open("wb") as handle:
                    for chunk in chunks:
                        handle.write(chunk)
                return path
            written = 0
            for chunk in chunks:
                to.write(chunk)
                written += len(chunk)
            return written
