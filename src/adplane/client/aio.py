"""`AsyncAdplaneClient`: the asyncio SDK over httpx; same resources, awaited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import httpx

from adplane.client._base import RETRY_STATUSES, ClientBase
from adplane.client.calls import Call, Pages, unwrap
from adplane.client.config import ClientConfig
from adplane.client.errors import ApiError, AuthenticationError, ConnectionFailed, ValidationError
from adplane.client.tokens import Token


class AsyncAdplaneClient(ClientBase):
    """`await client.io.add(...)`; paged lists are async iterators (`async for io in client.io.iter()`)."""

    def __init__(
        self, config: ClientConfig | None = None, *, http: httpx.AsyncClient | None = None, **kwargs: Any
    ) -> None:
        super().__init__(config, **kwargs)
        self.http = http or httpx.AsyncClient(base_url=self.config.base_url, timeout=self.timeout())
        self._token_lock = asyncio.Lock()

    async def __aenter__(self) -> AsyncAdplaneClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    # --- session ------------------------------------------------------------------------
    async def login(self, email: str | None = None, password: str | None = None) -> Token:
        await self.auth.login(email=email, password=password)
        assert self.token is not None
        return self.token

    async def refresh(self) -> Token:
        async with self._token_lock:
            return await self._renew_locked(self.token)

    async def _valid_token(self) -> Token:
        async with self._token_lock:
            if self.token is None:
                return await self.login()
            if self.needs_refresh(self.token):
                return await self._renew_locked(self.token)
            return self.token

    async def _renew(self, stale: Token | None) -> Token:
        async with self._token_lock:
            return await self._renew_locked(stale)

    async def _renew_locked(self, stale: Token | None) -> Token:
        if self.token is not None and self.token is not stale:
            return self.token  # another task renewed it meanwhile
        if self.token is not None and self.token.refresh_token:
            try:
                await self.auth.oauth_token(grant_type="refresh_token", refresh_token=self.token.refresh_token)
                return self.token
            except (AuthenticationError, ValidationError):
                if not self.can_log_in():
                    raise
        return await self.login()

    # --- calls --------------------------------------------------------------------------
    async def _call(self, call: Call) -> Any:
        if not call.authenticated:
            return unwrap(call, await self._send(call, None), typed=self.config.typed)
        token = await self._valid_token()
        response = await self._send(call, token)
        if response.status_code == 401:
            response = await self._send(call, await self._renew(token))
        return unwrap(call, response, typed=self.config.typed)

    async def _send(self, call: Call, token: Token | None) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self.http.request(**self.request_args(call, token))
            except httpx.TransportError as exc:
                if not self.may_retry(call, attempt):
                    raise ConnectionFailed(f"{type(exc).__name__}: {exc}", method=call.method, path=call.path) from exc
            else:
                if response.status_code not in RETRY_STATUSES or not self.may_retry(call, attempt):
                    return response
            await asyncio.sleep(self.backoff(attempt))
            attempt += 1

    async def _paginate(self, pages: Pages) -> AsyncIterator[Any]:
        page_no, seen = pages.first_page, 0
        while True:
            data = await self._call(replace(pages.call_for_page(page_no, pages.page_size), typed=False))
            items = pages.items(data)
            seen += len(items)
            for item in items:
                yield item
            if pages.is_last(data, items, seen):
                return
            page_no += 1

    # --- downloads ----------------------------------------------------------------------
    @asynccontextmanager
    async def stream(self, url: str, chunk_size: int = 65536) -> AsyncIterator[AsyncIterator[bytes]]:
        call = Call("GET", url)
        headers = self.bearer_headers(self.token) if self.same_origin(url) else {}
        attempt = 0
        while True:
            try:
                request = self.http.build_request("GET", url, headers=headers)
                response = await self.http.send(request, stream=True)
            except httpx.TransportError as exc:
                if not self.may_retry(call, attempt):
                    raise ConnectionFailed(f"{type(exc).__name__}: {exc}", method="GET", path=url) from exc
            else:
                if response.status_code not in RETRY_STATUSES or not self.may_retry(call, attempt):
                    break
                await response.aclose()
            await asyncio.sleep(self.backoff(attempt))
            attempt += 1
        try:
            if response.status_code >= 400:
                await response.aread()
                unwrap(call, response)
                raise ApiError(response.status_code, [{"error": "download failed"}], method="GET", path=url)
            yield response.aiter_bytes(chunk_size)
        finally:
            await response.aclose()

    async def download(self, url: str, to: str | Path | IO[bytes] | None = None) -> Path | bytes | int:
        async with self.stream(url) as chunks:
            if to is None:
                return b"".join([chunk async for chunk in chunks])
            if isinstance(to, str | Path):
                path = Path(to)
                with path.open("wb") as handle:
                    async for chunk in chunks:
                        handle.write(chunk)
                return path
            written = 0
            async for chunk in chunks:
                to.write(chunk)
                written += len(chunk)
            return written
