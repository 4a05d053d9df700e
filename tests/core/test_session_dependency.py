"""The request session (`SessionDep`): opened on the event loop, its connection given back after every request."""

from __future__ import annotations

import anyio
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from adplane.core.db import Database
from adplane.core.deps import SessionDep, get_session


def _app(db: Database, seen: list) -> FastAPI:
    app = FastAPI()
    app.state.db = db

    @app.get("/unused")
    def unused(session: SessionDep) -> dict:
        seen.append(session.in_transaction())
        return {"checkedOut": db.engine.pool.checkedout()}

    @app.get("/read")
    def read(session: SessionDep) -> dict:
        seen.append(session.scalar(text("SELECT 1")))
        return {"checkedOut": db.engine.pool.checkedout()}

    @app.get("/fails")
    def fails(session: SessionDep) -> dict:
        session.execute(text("SELECT 1"))
        raise RuntimeError("the endpoint failed")

    return app


def test_a_session_holds_no_connection_until_used_and_gives_it_back_after(db):
    seen: list = []
    before = db.engine.pool.checkedout()
    with TestClient(_app(db, seen), raise_server_exceptions=False) as client:
        assert client.get("/unused").json() == {"checkedOut": before}  # opened without a checkout
        assert client.get("/read").json() == {"checkedOut": before + 1}  # the endpoint's own
        assert db.engine.pool.checkedout() == before  # closed: back in the pool
        assert client.get("/fails").status_code == 500
        assert db.engine.pool.checkedout() == before
    assert seen == [False, 1]


def test_a_cancelled_request_still_gives_its_connection_back(db):
    """Closing is shielded: a request cancelled while its session closes does not leak the connection."""
    before = db.engine.pool.checkedout()

    async def cancelled_request() -> None:
        dependency = get_session(db)
        session = await dependency.__anext__()
        session.execute(text("SELECT 1"))
        assert db.engine.pool.checkedout() == before + 1
        with anyio.CancelScope() as scope:
            scope.cancel()
            await dependency.aclose()  # the close runs although the scope is cancelled

    anyio.run(cancelled_request)
    assert db.engine.pool.checkedout() == before
