"""Reading a report query's rows in chunks, so a large download never holds every row: the store's
public `stream` (DuckDB's streaming Arrow reader, PostgreSQL's server-side cursor)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from adplane.analytics.store import AnalyticsStore

CHUNK_ROWS = 10_000


def stream_rows(store: AnalyticsStore, sql: str, params: Sequence[Any],
                chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple]:
    yield from store.stream(sql, params, chunk_rows)
