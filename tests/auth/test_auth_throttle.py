"""Login throttling under parallel guesses, per account + address, and trusted proxies."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from typer.testing import CliRunner

from adplane.client.testing import LiveServer
from adplane.core.addresses import client_address
from adplane.core.clock import clock
from adplane.core.settings import Settings
from auth_helpers import client_headers, in_parallel, status_counts
from conftest import PASSWORD

LOGIN = "/api/v3/ua/login"


def _guess(http: httpx.Client | TestClient, creds: dict[str, Any], password: str, email: str | None = None,
           forwarded_for: str | None = None) -> httpx.Response:
    headers = client_headers(creds)
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    return http.post(LOGIN, headers=headers,
                     json={"grantType": "password", "email": email or creds["email"], "password": password})


def test_fifty_parallel_wrong_guesses_evaluate_at_most_the_limit(app, tenant, settings, backend, capsys):
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=120) as http:
        responses = in_parallel(50, lambda i: _guess(http, tenant, f"Wrong-guess-{i}!"))
        after = _guess(http, tenant, PASSWORD)
    counts = status_counts(responses)
    with capsys.disabled():
        print(f"\n[{backend}] 50 parallel wrong guesses (limit {settings.login_max_failures_per_account}): "
              f"statuses {counts} (403 = evaluated)")
    assert not any(r.status_code >= 500 for r in responses)
    assert counts == {403: settings.login_max_failures_per_account, 429: 50 - settings.login_max_failures_per_account}
    assert all(int(r.headers["Retry-After"]) > 0 for r in responses if r.status_code == 429)
    assert all(r.json()["success"] is False for r in responses)
    # the locked account + address is not evaluated even with the right password
    assert after.status_code == 429


def test_parallel_guesses_on_many_accounts_respect_the_address_limit(app, make_tenant, settings, backend, capsys):
    creds = make_tenant()
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=120) as http:
        responses = in_parallel(50, lambda i: _guess(http, creds, "Wrong-Passw0rd!", email=f"probe{i}@a.test"))
    counts = status_counts(responses)
    with capsys.disabled():
        print(f"\n[{backend}] 50 parallel guesses on 50 accounts (address limit "
              f"{settings.login_max_failures_per_address}): statuses {counts}")
    assert counts == {403: settings.login_max_failures_per_address, 429: 50 - settings.login_max_failures_per_address}


def test_correct_password_from_a_new_address_is_not_locked_out(app, tenant):
    with TestClient(app, client=("198.51.100.7", 40000)) as attacker:
        for i in range(10):
            _guess(attacker, tenant, f"Wrong-guess-{i}!")
        assert _guess(attacker, tenant, PASSWORD).status_code == 429
    with TestClient(app, client=("203.0.113.9", 40000)) as owner:
        assert _guess(owner, tenant, PASSWORD).status_code == 200


def test_lockouts_per_account_and_address_grow_and_a_success_clears_them(app, tenant, settings):
    settings.login_failure_window_seconds = 60
    settings.login_lockout_seconds = 60
    limit = settings.login_max_failures_per_account
    retry_afters = []
    with TestClient(app, client=("198.51.100.8", 40000)) as http:
        for _round in range(3):
            for i in range(limit):
                assert _guess(http, tenant, f"Wrong-{i}-Passw0rd!").status_code == 403
            locked = _guess(http, tenant, PASSWORD)
            assert locked.status_code == 429
            retry_afters.append(int(locked.headers["Retry-After"]))
            clock.advance(timedelta(seconds=retry_afters[-1] + 1))
        assert retry_afters == [60, 120, 240]
        assert _guess(http, tenant, PASSWORD).status_code == 200  # clears the account + address history
        for i in range(limit):
            _guess(http, tenant, f"Wrong-{i}-Passw0rd!")
        assert int(_guess(http, tenant, PASSWORD).headers["Retry-After"]) == 60


def test_successful_logins_do_not_use_up_the_address_allowance(client, tenant, settings):
    for _ in range(settings.login_max_failures_per_address + 5):
        assert _guess(client, tenant, PASSWORD).status_code == 200


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(app, make_tenant, settings):
    creds = make_tenant()
    limit = settings.login_max_failures_per_address
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        # spoofed X-Forwarded-For from an untrusted peer: every guess counts for 127.0.0.1
        for i in range(limit):
            assert _guess(http, creds, "Wrong-Passw0rd!", email=f"p{i}@a.test",
                          forwarded_for=f"192.0.2.{i + 1}").status_code == 403
        assert _guess(http, creds, PASSWORD, forwarded_for="192.0.2.200").status_code == 429
        # behind a trusted proxy, each forwarded client has its own allowance
        settings.trusted_proxies = "127.0.0.1/32, ::1"
        for i in range(limit + 3):
            assert _guess(http, creds, "Wrong-Passw0rd!", email=f"q{i}@a.test",
                          forwarded_for=f"198.51.100.{i + 1}").status_code == 403
        assert _guess(http, creds, PASSWORD, forwarded_for="203.0.113.50").status_code == 200


def _request(peer: str, forwarded: list[str]) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 1234)})


def test_client_address_walks_forwarded_for_from_the_right(tmp_path):
    plain = Settings(data_dir=tmp_path)
    assert client_address(_request("10.0.0.5", ["1.2.3.4"]), plain) == "10.0.0.5"
    trusted = Settings(data_dir=tmp_path, trusted_proxies="10.0.0.0/8")
    assert client_address(_request("10.0.0.5", ["1.2.3.4"]), trusted) == "1.2.3.4"
    # a client-supplied left part is never believed: the nearest untrusted hop wins
    assert client_address(_request("10.0.0.5", ["6.6.6.6, 1.2.3.4, 10.0.0.9"]), trusted) == "1.2.3.4"
    assert client_address(_request("10.0.0.5", ["6.6.6.6", "1.2.3.4"]), trusted) == "1.2.3.4"
    assert client_address(_request("10.0.0.5", ["not-an-ip"]), trusted) == "10.0.0.5"
    assert client_address(_request("10.0.0.5", []), trusted) == "10.0.0.5"
    assert client_address(_request("192.0.2.1", ["1.2.3.4"]), trusted) == "192.0.2.1"
    with pytest.raises(ValueError, match="ADPLANE_TRUSTED_PROXIES"):
        Settings(data_dir=tmp_path, trusted_proxies="10.0.0.0/8, proxy.local")


def test_serve_runs_uvicorn_without_proxy_headers(tmp_path, database_url, db, monkeypatch):
    import uvicorn

    from adplane.cli.main import app as cli
    from adplane.core.settings import get_settings

    monkeypatch.setenv("ADPLANE_DATA_DIR", str(tmp_path / "serve"))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", database_url)
    monkeypatch.setenv("ADPLANE_RUN_BACKGROUND_JOBS", "false")
    get_settings.cache_clear()
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    try:
        result = CliRunner().invoke(cli, ["serve", "--port", "8765", "--no-simulate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False


def test_admin_commands_apply_the_sign_up_password_rules(tmp_path, database_url, db, monkeypatch):
    from adplane.cli.main import app as cli
    from adplane.core.settings import get_settings

    monkeypatch.setenv("ADPLANE_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    base = ["admin", "bootstrap", "--host", "rules.test", "--email", "ops@rules.test", "--organization", "Ops",
            "--json"]
    try:
        weak = runner.invoke(cli, [*base, "--password", "123456"])
        assert weak.exit_code == 2
        assert "at least 8 characters" in weak.output
        from adplane.auth import repository as repo

        with db.session() as session:
            assert repo.workspace_by_host(session, "rules.test") is None  # nothing was created
        created = json.loads(runner.invoke(cli, [*base, "--password", "Strong-Passw0rd!"]).stdout)
        add = ["admin", "add-user", "--ow-id", str(created["owId"]), "--email", "m@rules.test"]
        no_special = runner.invoke(cli, [*add, "--password", "NoSpecial123"])
        assert no_special.exit_code == 2 and "special character" in no_special.output
        with db.session() as session:
            assert repo.user_by_email(session, "m@rules.test") is None
        assert runner.invoke(cli, [*add, "--password", "Member-Passw0rd!"]).exit_code == 0
    finally:
        get_settings.cache_clear()
