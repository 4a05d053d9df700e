"""Reading a report query's rows in chunks, so a large download never holds every row.

The store's public `query` returns all rows at once; for files we read in batches: DuckDB's
streaming Arrow reader (a relation's `to_arrow_reader`, which does not materialize the result),
PostgreSQL's server-side (named) cursor. This is the only
engine-specific code of the reports domain. A store that offers `stream(sql, params, size)`
is used as is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

CHUNK_ROWS = 10_000


def stream_rows(store: Any, sql: str, params: Sequence[Any], chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple]:
    if hasattr(store, "stream"):
        yield from store.stream(sql, params, chunk_rows)
    elif getattr(store, "backend", None) == "duckdb" and hasattr(store, "_cursor"):
        with store._cursor() as cursor:  # noqa: SLF001 - see module docstring
            for batch in cursor.sql(sql, params=list(params)).to_arrow_reader(chunk_rows):
                yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)
    elif getattr(store, "backend", None) == "postgresql" and hasattr(store, "_raw"):
        with store._raw() as conn:  # noqa: SLF001 - see module docstring
            with conn.cursor(name=f"report_{uuid.uuid4().hex[:12]}") as cursor:
                cursor.itersize = chunk_rows
                cursor.execute(store.dialect.translate(sql), list(params))
                while rows := cursor.fetchmany(chunk_rows):
                    yield from rows
            conn.commit()
    else:
        yield from store.query(sql, params)
