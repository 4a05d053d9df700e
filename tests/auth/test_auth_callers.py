"""Cached callers (adplane.auth.callers) and the auth epoch (adplane.auth.epoch): a known token costs one
query per request, and every change that matters (logout, status, application access, hold) is seen on
the very next request, also by another server process on the same database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, update

from adplane.app import create_app
from adplane.auth import epoch
from adplane.auth.models import Membership, Organization
from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from conftest import login
from users_helpers import add_member, login_as

STATIC = "/api/v3/cmp/static/campaign/budget-type"
UPDATE_STATUS = "/api/v3/ua/user/update-status"


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engines = (db.engine, db.loop_engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def test_a_known_caller_costs_one_query_and_no_session(client: TestClient, db: Database,
                                                       headers: dict[str, str]) -> None:
    assert client.get(STATIC, headers=headers).status_code == 200  # resolves and caches
    with statements(db) as seen:
        assert client.get(STATIC, headers=headers).status_code == 200
    assert len(seen) == 1 and "auth_epochs" in seen[0], seen


def test_logins_and_money_do_not_move_the_epoch(client: TestClient, db: Database, tenant: dict[str, Any],
                                                 headers: dict[str, str]) -> None:
    with db.session() as session:
        before = epoch.current(session)
    login(client, tenant)
    with db.session() as session:
        org = session.get(Organization, tenant["owId"])
        assert org is not None
        org.funds_balance = Decimal("12.5")  # spend postings change balances all day long
        session.commit()
    with db.session() as session:
        assert epoch.current(session) == before


def test_logout_is_seen_at_once(client: TestClient, headers: dict[str, str]) -> None:
    assert client.get(STATIC, headers=headers).status_code == 200
    assert client.post("/api/v3/ua/logout", headers=headers).status_code == 200
    assert client.get(STATIC, headers=headers).status_code == 401


def test_a_second_process_sees_a_deactivation_at_once(client: TestClient, settings: Settings, db: Database,
                                                      database_url: str, tenant: dict[str, Any],
                                                      headers: dict[str, str]) -> None:
    """Two apps on two engines (two caches), as two `serve --workers` processes would be."""
    member = add_member(db, settings, tenant, "member@a.test")
    member_headers = login_as(client, tenant, "member@a.test")
    other_db = Database(database_url)
    try:
        with TestClient(create_app(settings, other_db, background=False)) as other:
            assert other.get(STATIC, headers=member_headers).status_code == 200  # cached over there
            changed = client.put(UPDATE_STATUS, headers=headers, json={"uowId": member["uowId"], "status": 4})
            assert changed.status_code == 200, changed.text
            assert other.get(STATIC, headers=member_headers).status_code == 401
    finally:
        other_db.dispose()


def test_application_access_is_checked_on_every_path(client: TestClient, db: Database, settings: Settings,
                                                     tenant: dict[str, Any], headers: dict[str, str]) -> None:
    member = add_member(db, settings, tenant, "restricted@a.test")
    member_headers = login_as(client, tenant, "restricted@a.test")
    assert client.get("/api/v3/ra/report/dimension-metrics/detail", headers=member_headers).status_code == 200
    with db.session() as session:  # a Core UPDATE moves the epoch as well as an ORM change does
        session.execute(update(Membership).where(Membership.uow_id == member["uowId"]).values(apps_restricted=True))
        session.commit()
    assert client.get("/api/v3/ra/report/dimension-metrics/detail", headers=member_headers).status_code == 403
    assert client.get(STATIC, headers=member_headers).status_code == 403


def test_an_expired_token_is_refused_from_the_cache(client: TestClient, headers: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get(STATIC, headers=headers).status_code == 200
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr("adplane.auth.deps.utcnow", lambda: later)
    monkeypatch.setattr("adplane.auth.service.utcnow", lambda: later)
    assert client.get(STATIC, headers=headers).status_code == 401


def test_a_hold_is_seen_at_once(client: TestClient, db: Database, tenant: dict[str, Any],
                                headers: dict[str, str]) -> None:
    assert client.get(STATIC, headers=headers).status_code == 200
    with db.session() as session:
        org = session.get(Organization, tenant["owId"])
        assert org is not None
        org.status = "on_hold"
        session.commit()
    assert client.get(STATIC, headers=headers).status_code == 403


def test_a_role_change_by_an_operator_applies_on_the_next_request(client: TestClient, db: Database,
                                                                  settings: Settings, tenant: dict[str, Any],
                                                                  headers: dict[str, str], database_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`adplane admin role`: IQM has no role operation, so operators change roles; the last admin stays."""
    from typer.testing import CliRunner

    from adplane.cli.main import app as cli
    from adplane.core.settings import get_settings

    add_member(db, settings, tenant, "one@a.test")
    other = add_member(db, settings, tenant, "two@a.test")
    member_headers = login_as(client, tenant, "one@a.test")
    hold_other = {"uowId": other["uowId"], "status": 4}
    assert client.put(UPDATE_STATUS, headers=member_headers, json=hold_other).status_code == 403  # cached: member
    monkeypatch.setenv("ADPLANE_DATABASE_URL", database_url)
    monkeypatch.setenv("ADPLANE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    base = ["admin", "role", "--ow-id", str(tenant["owId"])]
    promoted = runner.invoke(cli, [*base, "--email", "one@a.test", "--role", "admin", "--json"])
    assert promoted.exit_code == 0, promoted.output
    assert client.put(UPDATE_STATUS, headers=member_headers, json=hold_other).status_code == 200
    refused = runner.invoke(cli, [*base, "--email", "one@a.test", "--role", "owner"])
    assert refused.exit_code == 2 and "role must be" in refused.stderr
    # demoting every admin but the last works; the last one stays
    assert runner.invoke(cli, [*base, "--email", tenant["email"], "--role", "member"]).exit_code == 0
    last = runner.invoke(cli, [*base, "--email", "one@a.test", "--role", "member"])
    assert last.exit_code == 2 and "at least one active admin" in last.stderr
    unknown = runner.invoke(cli, [*base, "--email", "nobody@a.test", "--role", "member"])
    assert unknown.exit_code == 2
    get_settings.cache_clear()
