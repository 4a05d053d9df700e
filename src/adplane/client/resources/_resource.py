"""Base of the endpoint groups: a resource describes calls, its client runs them (sync or async)."""

from __future__ import annotations

from typing import Any

from adplane.client.calls import Call, Pages


class Resource:
    def __init__(self, client: Any) -> None:
        self._client = client

    def _call(self, call: Call) -> Any:
        """The data (sync client) or an awaitable of it (async client)."""
        return self._client._call(call)

    def _paginate(self, pages: Pages) -> Any:
        """An iterator (sync client) or an async iterator (async client) over every item."""
        return self._client._paginate(pages)
