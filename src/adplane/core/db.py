"""Database engine, sessions and the declarative base shared by every domain."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CursorResult, DateTime, Engine, MetaData, Result, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, *, connections: int | None = None) -> Engine:
    """`connections`: a fixed pool of that many (no overflow); default: 10 + 20 on PostgreSQL."""
    sized: dict[str, Any] = {} if connections is None else {"pool_size": connections, "max_overflow": 0}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **sized)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **(sized or {"pool_size": 10, "max_overflow": 20}))


class Database:
    """One engine and its session factory; the app and the CLI each hold one."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._loop_engine: Engine | None = None

    @property
    def loop_engine(self) -> Engine:
        """One connection for the event loop's own quick reads (the auth epoch of every request). Never
        used from a thread-pool thread, so a checkout from the loop never waits for the loop itself."""
        if self._loop_engine is None:
            self._loop_engine = make_engine(self.url, connections=1)
        return self._loop_engine

    @contextmanager
    def loop_session(self) -> Iterator[Session]:
        """A session on the event loop's own connection (`loop_engine`), for a small read run on the loop.

        Only in a `with` block that does not await: the one connection is then never asked for twice at
        once, and it is back in its pool before any other request runs. Writes do not belong here."""
        session = Session(self.loop_engine, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self.session_factory()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._loop_engine is not None:
            self._loop_engine.dispose()


def first_id_on_sqlite(session: Session, id_column: Any, start: int) -> int | None:
    """SQLite ignores `Identity(start=...)`: hand the first row its start id; rowids follow on."""
    from sqlalchemy import func, select

    if session.get_bind().dialect.name != "sqlite":
        return None
    current = session.scalar(select(func.max(id_column)))
    return start if current is None else None


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE/DELETE changed: `Session.execute` returns a CursorResult for them, typed as Result."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
