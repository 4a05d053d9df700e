"""`adplane api ...` through its entry point against a live server: login kept in the config folder
(mode 600), session use, organizations, exit codes and error messages."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adplane.cli.main import app
from adplane.client.testing import LiveServer
from adplane.core.clock import clock
from test_client import TOKEN_TTL_SECONDS, live_server, server_settings  # noqa: F401 - fixtures

runner = CliRunner()


@pytest.fixture
def config_home(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def cli(config_home: Path):  # noqa: ANN201
    """Run `adplane ARGS...` with an isolated config folder; returns the result."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        isolated = {"XDG_CONFIG_HOME": str(config_home), "COLUMNS": "200", "ADPLANE_API_TZ": "UTC", **(env or {})}
        return runner.invoke(app, list(args), env=isolated, input=input)

    return run


def cli_errors(result: Any) -> list[str]:
    """The CLI's error lines (the in-process server's JSON logs share stderr)."""
    return [line for line in result.stderr.splitlines() if line.startswith(("error:", "hint:"))]


def login_args(server: LiveServer, creds: dict[str, Any]) -> list[str]:
    return ["api", "login", "--url", server.url, "--client-id", creds["clientId"], "--client-secret",
            creds["clientSecret"], "--host", creds["host"], "--email", creds["email"], "--password", creds["password"]]


@pytest.fixture
def logged_in(cli, live_server: LiveServer, tenant: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001, F811
    result = cli(*login_args(live_server, tenant))
    assert result.exit_code == 0, result.output
    return tenant


def test_login_keeps_the_session_private(cli, live_server: LiveServer, tenant: dict[str, Any],  # noqa: ANN001, F811
                                         config_home: Path) -> None:
    result = cli(*login_args(live_server, tenant), "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["owId"] == tenant["owId"]
    assert answer["email"] == tenant["email"]
    path = config_home / "adplane" / "credentials.json"
    assert Path(answer["credentials"]) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["owId"] == tenant["owId"] and saved["token"]["access_token"]
    assert tenant["password"] not in path.read_text()


def test_password_can_be_prompted(cli, live_server: LiveServer, tenant: dict[str, Any]) -> None:  # noqa: ANN001, F811
    args = login_args(live_server, tenant)
    index = args.index("--password")
    del args[index:index + 2]
    result = cli(*args, input=tenant["password"] + "\n")
    assert result.exit_code == 0, result.output
    assert "Logged in as admin@a.test for Org A" in result.stdout


def test_whoami_and_orgs_use_the_saved_session(cli, logged_in: dict[str, Any], make_tenant) -> None:  # noqa: ANN001
    make_tenant(organization="Org B")
    who = cli("api", "whoami", "--json")
    assert who.exit_code == 0, who.output
    assert json.loads(who.stdout)["owId"] == logged_in["owId"]
    orgs = cli("api", "orgs", "--json")
    assert [o["organizationName"] for o in json.loads(orgs.stdout)] == ["Org A", "Org B"]
    table = cli("api", "orgs")
    assert "Org A" in table.stdout and "organizationName" in table.stdout


def test_use_org_switches_and_persists(cli, logged_in: dict[str, Any], make_tenant, config_home: Path) -> None:  # noqa: ANN001
    second = make_tenant(organization="Org B")
    result = cli("api", "use-org", str(second["owId"]))
    assert result.exit_code == 0, result.output
    assert f"owId {second['owId']}" in result.stdout
    assert json.loads(cli("api", "whoami", "--json").stdout)["owId"] == second["owId"]
    foreign = make_tenant(organization="Org X", email="x@x.test")
    refused = cli("api", "use-org", str(foreign["owId"]))
    assert refused.exit_code == 1
    assert cli_errors(refused) == [
        "error: User is not allowed to access the provided organization. [field: X-IAA-OW-ID]"]
    saved = json.loads((config_home / "adplane" / "credentials.json").read_text())
    assert saved["owId"] == second["owId"]


def test_rotated_tokens_are_saved(cli, logged_in: dict[str, Any], config_home: Path) -> None:  # noqa: ANN001
    path = config_home / "adplane" / "credentials.json"
    before = json.loads(path.read_text())["token"]
    clock.advance(timedelta(seconds=TOKEN_TTL_SECONDS + 5))  # the server's tokens expire; the CLI sees a 401
    assert cli("api", "whoami", "--json").exit_code == 0
    after = json.loads(path.read_text())["token"]
    assert after["refresh_token"] != before["refresh_token"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("api", "whoami", "--json").exit_code == 0  # the saved, rotated refresh token still works


def test_logout_revokes_and_forgets(cli, logged_in: dict[str, Any], config_home: Path) -> None:  # noqa: ANN001
    result = cli("api", "logout")
    assert result.exit_code == 0, result.output
    assert not (config_home / "adplane" / "credentials.json").exists()
    after = cli("api", "whoami")
    assert after.exit_code == 4
    assert "not logged in" in after.stderr


def test_wrong_password_prints_the_error_objects(cli, live_server: LiveServer, tenant: dict[str, Any]) -> None:  # noqa: ANN001, F811
    args = login_args(live_server, tenant)
    args[args.index("--password") + 1] = "Wrong-Passw0rd!"
    result = cli(*args)
    assert result.exit_code == 1
    assert cli_errors(result) == ["error: User doesn't exist or user is not allowed to provided workspace."]


def test_unreachable_server_is_exit_3(cli, tenant: dict[str, Any]) -> None:  # noqa: ANN001
    closed = LiveServer(object())
    closed._socket.close()
    args = login_args(closed, tenant)
    result = cli(*args, env={"ADPLANE_API_MAX_RETRIES": "0"})
    assert result.exit_code == 3
    assert "cannot reach the API" in result.stderr


def test_usage_errors_are_exit_2(cli, logged_in: dict[str, Any], tmp_path: Path) -> None:  # noqa: ANN001
    assert cli("api", "ios", "create", "--set", "novalue").exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    result = cli("api", "ios", "create", "--file", str(bad))
    assert result.exit_code == 2
    assert "must hold a JSON/YAML object" in result.stderr
    assert cli("api", "ios", "create", "--start", "yesterday-ish", "--name", "x").exit_code == 2
    assert cli("api", "reports", "schedule", "1", "--email", "a@b.c", "--frequency", "hourly").exit_code == 2
    assert cli("api", "nonsense").exit_code == 2


def test_repeated_failed_logins_say_when_to_try_again(cli, live_server: LiveServer,  # noqa: ANN001, F811
                                                      tenant: dict[str, Any]) -> None:
    args = login_args(live_server, tenant)
    args[args.index("--password") + 1] = "Wrong-Passw0rd!"
    results = [cli(*args) for _ in range(6)]
    assert all(r.exit_code == 1 for r in results)
    locked = cli_errors(results[-1])
    assert locked[-1].startswith("hint: try again in ") and locked[-1].endswith(" seconds")
