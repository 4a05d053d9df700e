"""The operators' CLI through its entry point."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from adplane.cli.main import app


def _env(tmp_path, database_url):
    return {"ADPLANE_DATA_DIR": str(tmp_path / "cli"), "ADPLANE_DATABASE_URL": database_url}


def test_bootstrap_is_idempotent_and_rotates(tmp_path, database_url, db, monkeypatch):
    from adplane.core.settings import get_settings

    for key, value in _env(tmp_path, database_url).items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    runner = CliRunner()
    args = ["admin", "bootstrap", "--host", "cli.test", "--email", "ops@cli.test", "--password", "Pw-123456!",
            "--organization", "Ops", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    created = json.loads(first.stdout)
    assert created["clientSecret"] and created["isWorkspaceAdmin"] is True
    again = json.loads(runner.invoke(app, args).stdout)
    assert again["owId"] == created["owId"] and again["uowId"] == created["uowId"]
    assert again["clientSecret"] is None and again["clientId"] == created["clientId"]
    rotated = json.loads(runner.invoke(app, [*args, "--rotate-secret"]).stdout)
    assert rotated["clientSecret"] and rotated["clientSecret"] != created["clientSecret"]
    # a second organization in the same workspace: its admin is not a workspace admin
    second = json.loads(runner.invoke(app, ["admin", "bootstrap", "--host", "cli.test", "--email", "b@cli.test",
                                            "--password", "Pw-123456!", "--organization", "Brand", "--json"]).stdout)
    assert second["owId"] != created["owId"] and second["isWorkspaceAdmin"] is False

    held = runner.invoke(app, ["admin", "hold", "--ow-id", str(created["owId"]), "--reason", "Unpaid"])
    assert held.exit_code == 0
    released = runner.invoke(app, ["admin", "release", "--ow-id", str(created["owId"])])
    assert released.exit_code == 0
    funds = runner.invoke(app, ["admin", "add-funds", "--ow-id", str(created["owId"]), "--amount", "250.50", "--json"])
    assert json.loads(funds.stdout)["balance"].startswith("250.5")
    assert runner.invoke(app, ["admin", "add-funds", "--ow-id", str(created["owId"]), "--amount", "-5"]).exit_code == 2
    user = runner.invoke(app, ["admin", "add-user", "--ow-id", str(created["owId"]), "--email", "m@cli.test",
                               "--json"])
    assert json.loads(user.stdout)["invited"] is True
    missing = runner.invoke(app, ["admin", "hold", "--ow-id", "999999", "--reason", "x"])
    assert missing.exit_code == 2
    get_settings.cache_clear()
