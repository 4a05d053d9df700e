"""FastAPI dependencies shared by every domain: the session, settings, and the caller's shape (`Principal`).
Resolving the caller from a token needs the auth domain: `adplane.auth.deps` (`PrincipalDep`, `WorkspaceAdminDep`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from adplane.core.db import Database
from adplane.core.errors import Unauthorized, ValidationFailed
from adplane.core.schemas import MAX_DB_INT
from adplane.core.settings import Settings

T = TypeVar("T")


# `async def` although they do no awaiting: FastAPI runs a sync dependency in its thread pool, and the
# hop costs more than reading an attribute. Anything that touches the database stays sync (see get_session),
# except a bounded read that `run_read` puts on the loop's own connection.
async def get_database(request: Request) -> Database:
    return request.app.state.db


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(db: Annotated[Database, Depends(get_database)]) -> AsyncIterator[Session]:
    """Opened on the event loop: a new session holds no connection until its first statement, which runs in
    the endpoint's thread (a loop blocked on a checkout from an exhausted pool would wait for itself). Closed
    in the thread pool once it has one: closing rolls back and returns the connection, a round trip the loop
    must not wait on. A sync dependency cost a thread-pool hop for the opening too."""
    session = db.session_factory()
    try:
        yield session
    finally:
        if session.in_transaction():
            with anyio.CancelScope(shield=True):  # a cancelled request still gives its connection back
                await run_in_threadpool(session.close)
        else:
            session.close()


LOOP_READ_MAX_ROWS = 100
"""A page of at most this many rows is read on the event loop (`run_read`)."""


async def run_read(db: Database, read: Callable[[Session], T], *, small: bool) -> T:
    """`read(session)`, on the event loop when `small`, else in the thread pool.

    Measured on 2 cores (the campaign list, 2026-12-07): a thread-pool hop and back, and the session
    closed in another, cost as much CPU as the read itself, and under load the threads fight over the
    GIL; on the loop the list served twice the requests at the same CPU. A read on the loop blocks every
    other request of the process while it runs, so only a bounded one (a page of at most
    `LOOP_READ_MAX_ROWS` rows, by indexed columns) may go there."""
    if small:
        with db.loop_session() as session:
            return read(session)

    def in_session() -> T:
        with db.session() as session:
            return read(session)

    return await run_in_threadpool(in_session)


IdPath = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
"""A path id that fits the database's integer column (larger is a 422, never a 500)."""

SessionDep = Annotated[Session, Depends(get_session)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller acting for one organization (the X-IAA-OW-ID)."""

    user_id: int
    email: str
    ow_id: int
    uow_id: int
    role: str
    workspace_id: int
    is_workspace_admin: bool
    token_id: int

    @property
    def is_org_admin(self) -> bool:
        return self.role == "admin"


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("Authorization header with a bearer token is required.")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("Authorization header must be 'Bearer <token>'.")
    return value.strip()


def parse_ow_id(raw: str | None, *, required: bool) -> int | None:
    if raw is None or not raw.strip():
        if required:
            raise ValidationFailed("X-IAA-OW-ID header is required", field="X-IAA-OW-ID")
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValidationFailed("X-IAA-OW-ID must be an integer", field="X-IAA-OW-ID") from None
    if not 1 <= value <= MAX_DB_INT:
        raise ValidationFailed("X-IAA-OW-ID is out of range", field="X-IAA-OW-ID")
    return value
