"""Test fixtures: every test that uses `client` runs on SQLite and on PostgreSQL.

PostgreSQL: a fresh database per test session on 127.0.0.1:5432 (ADPLANE_TEST_PG_URL), dropped
at the end, so parallel runs never share state. ADPLANE_TEST_BACKENDS=sqlite limits a local run.
"""

from __future__ import annotations

import base64
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from adplane.app import create_app
from adplane.auth.admin import bootstrap
from adplane.core import security
from adplane.core.clock import clock
from adplane.core.db import Base, Database
from adplane.core.migrate import upgrade
from adplane.core.settings import Settings
from adplane.models_registry import load_all_models

# Tests live in tests/<domain>/ folders (not packages: pytest puts each test file's folder on sys.path).
# Every folder goes on sys.path here, so a test imports a helper module (tests/auth_helpers.py, ...) or a
# fixture of another folder's test module by its bare name. File names stay unique across folders.
_TESTS = Path(__file__).resolve().parent
for _folder in [_TESTS, *sorted(p for p in _TESTS.iterdir() if p.is_dir() and p.name[0] not in "_.")]:
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

PG_ADMIN_URL = os.environ.get("ADPLANE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
_REQUESTED = [b.strip() for b in os.environ.get("ADPLANE_TEST_BACKENDS", "sqlite,postgresql,chdb").split(",")
              if b.strip()]
BACKENDS = [b for b in _REQUESTED if b != "chdb"]  # application databases
# Analytics stores for the tests that take `every_analytics_url`: the one that goes with the database
# ("native": DuckDB with SQLite, PostgreSQL with PostgreSQL), and ClickHouse in-process (chDB).
ANALYTICS_STORES = ["native", *(["chdb"] if "chdb" in _REQUESTED else [])]
PASSWORD = "Secret-Passw0rd!"


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """argon2id at its production cost (~0.1 s a hash or check) was a third of the suite's time: the tests hash
    and check passwords with argon2id at its minimum cost. In-process only (servers the tests start hash at
    full cost); tests/core/test_security.py checks the production parameters."""
    production = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    security._hasher = production


def _pg_url_for(db_name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{db_name}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "adplane.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    name = f"adplane_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _pg_url_for(name)
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def session_database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def _wipe(db: Database) -> None:
    load_all_models()
    existing = set(inspect(db.engine).get_table_names())
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in existing]
    with db.engine.begin() as conn:
        if db.is_postgres:
            # TRUNCATE of every table costs ~0.15 s a test; only the tables a test wrote to need it (rows left,
            # or an id sequence moved on: RESTART IDENTITY puts it back at its start)
            used = _written_tables(conn, tables)
            if used:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in used) + " RESTART IDENTITY CASCADE"))
            # the PostgreSQL analytics store lives in its own schema of the same database: ids restart,
            # so its events must go too or a later test's campaign would inherit them
            analytics = conn.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'analytics'"
            )).scalars().all()
            if analytics:
                conn.execute(text("TRUNCATE " + ", ".join(f'analytics."{t}"' for t in analytics)))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


def _written_tables(conn: Any, tables: list[str]) -> list[str]:
    """The tables with rows, and those whose identity/serial sequence has handed out a value since its reset."""
    with_rows = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    used_sequences = text(
        "SELECT t.relname FROM pg_sequences q JOIN pg_class s ON s.relname = q.sequencename "
        "AND s.relnamespace = 'public'::regnamespace "
        "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
        "AND d.refclassid = 'pg_class'::regclass JOIN pg_class t ON t.oid = d.refobjid "
        "WHERE q.schemaname = 'public' AND q.last_value IS NOT NULL")
    written = set(conn.execute(text(with_rows)).scalars()) | set(conn.execute(used_sequences).scalars())
    return [t for t in tables if t in written]


@pytest.fixture
def db(session_database: Database) -> Iterator[Database]:
    clock.reset()
    yield session_database
    clock.reset()
    _wipe(session_database)


@pytest.fixture
def analytics_url() -> str | None:
    """The analytics store's URL (None: the store that goes with the database); a module that tests
    every store overrides this fixture with `every_analytics_url`."""
    return None


@pytest.fixture(scope="session")
def chdb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """chDB runs one embedded ClickHouse per process on one directory: each test gets a database in it."""
    return tmp_path_factory.mktemp("chdb")


@pytest.fixture(scope="session")
def chdb_http(chdb_dir: Path) -> Iterator[Any]:
    """The ClickHouse HTTP interface in front of chDB (tests/chdb_http.py), for the network client."""
    from chdb_http import ChdbHttpServer

    server = ChdbHttpServer(str(chdb_dir)).start()
    yield server
    server.stop()


def _analytics_url(request: pytest.FixtureRequest, backend: str, chdb_dir: Path) -> Iterator[str | None]:
    if request.param == "native":
        yield None
        return
    if backend != BACKENDS[0]:
        pytest.skip("the ClickHouse store runs beside the first application database only")
    from adplane.analytics.clickhouse import connect

    database = f"t_{uuid.uuid4().hex[:12]}"
    url = f"chdb://{chdb_dir}?database={database}"
    if request.param == "clickhouse-http":
        yield f"clickhouse://default@127.0.0.1:{request.getfixturevalue('chdb_http').port}/{database}"
    else:
        yield url
    conn = connect(url)
    try:
        conn.command(f"DROP DATABASE IF EXISTS {database}")
    finally:
        conn.close()


@pytest.fixture(params=ANALYTICS_STORES)
def every_analytics_url(request: pytest.FixtureRequest, backend: str, chdb_dir: Path) -> Iterator[str | None]:
    yield from _analytics_url(request, backend, chdb_dir)


@pytest.fixture(params=[*ANALYTICS_STORES, *(["clickhouse-http"] if "chdb" in ANALYTICS_STORES else [])])
def every_store_url(request: pytest.FixtureRequest, backend: str, chdb_dir: Path) -> Iterator[str | None]:
    """`every_analytics_url` and the ClickHouse store through its network client (clickhouse-connect)."""
    yield from _analytics_url(request, backend, chdb_dir)


@pytest.fixture
def store(settings: Settings) -> Iterator[Any]:
    """A fresh analytics store of the test's settings, emptied before and after."""
    from adplane.analytics.store import open_store

    analytics = open_store(settings)
    analytics.reset()
    yield analytics
    analytics.reset()
    analytics.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, analytics_url: str | None) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret-key",
                    run_background_jobs=False, analytics_url=analytics_url)


@pytest.fixture
def app(settings: Settings, db: Database):  # noqa: ANN201
    return create_app(settings, db, background=False)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_tenant(db: Database):  # noqa: ANN201
    """Create (workspace, organization, admin user, client app); returns its credentials."""

    secrets_by_host: dict[str, str] = {}

    def _make(host: str = "ws1.test", organization: str = "Org A", email: str = "admin@a.test",
              password: str = PASSWORD) -> dict[str, Any]:
        with db.session() as session:
            result = bootstrap(session, host=host, email=email, password=password, organization=organization)
        creds = result.as_dict()
        creds.update(email=email, password=password)
        if creds["clientSecret"]:
            secrets_by_host[host] = creds["clientSecret"]
        creds["clientSecret"] = secrets_by_host[host]
        return creds

    return _make


def basic_auth(creds: dict[str, Any]) -> str:
    raw = f"{creds['clientId']}:{creds['clientSecret']}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def login(client: TestClient, creds: dict[str, Any]) -> dict[str, str]:
    """Log in through the API and return the headers every later call needs."""
    response = client.post(
        "/api/v3/ua/login",
        headers={"Authorization": basic_auth(creds), "X-IAA-HOST": creds["host"]},
        json={"grantType": "password", "email": creds["email"], "password": creds["password"]},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    return {"Authorization": f"Bearer {data['access_token']}", "X-IAA-OW-ID": str(creds["owId"])}


@pytest.fixture
def tenant(make_tenant) -> dict[str, Any]:  # noqa: ANN001
    return make_tenant()


@pytest.fixture
def headers(client: TestClient, tenant: dict[str, Any]) -> dict[str, str]:
    return login(client, tenant)


@pytest.fixture
def other_headers(client: TestClient, make_tenant) -> dict[str, str]:  # noqa: ANN001
    """A second organization in the same workspace, for isolation tests."""
    other = make_tenant(organization="Org B", email="admin@b.test")
    return login(client, other)
