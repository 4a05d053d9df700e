"""CLI: `adplane events ingest` and `adplane simulate`, locally and handed to a running server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adplane.analytics.store import open_store
from adplane.cli.main import app as cli
from adplane.core import settings as settings_module
from adplane.core.control import live_server, read_server_file
from test_events_ingest import event_rows, make_campaign, ndjson
from test_events_simulator import END, START


@pytest.fixture
def cli_env(settings, monkeypatch):
    env = {"ADPLANE_DATA_DIR": str(settings.data_dir), "ADPLANE_DATABASE_URL": settings.resolved_database_url,
           "ADPLANE_SECRET_KEY": "test-secret-key", "ADPLANE_RUN_BACKGROUND_JOBS": "false"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings_module.get_settings.cache_clear()
    store = open_store(settings)
    store.reset()
    store.close()
    yield env
    settings_module.get_settings.cache_clear()
    store = open_store(settings)
    store.reset()
    store.close()


def test_ingest_and_simulate_without_a_server(db, tenant, settings, cli_env, tmp_path):
    c = make_campaign(db, tenant["owId"], start=START, end=END)
    good = tmp_path / "day1.ndjson"
    good.write_bytes(ndjson(event_rows(c, 6, start=START + START.resolution * 10)))
    rows = event_rows(c, 3, start=START)
    rows[1]["campaign_id"] = 424242
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([",".join(rows[0])] + [",".join(str(v) for v in r.values()) for r in rows]))
    runner = CliRunner()
    first = runner.invoke(cli, ["events", "ingest", str(good), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["status"] == "stored"
    again = runner.invoke(cli, ["events", "ingest", str(good)])
    assert again.exit_code == 0 and "already stored" in again.output
    rejected = runner.invoke(cli, ["events", "ingest", str(bad)])
    assert rejected.exit_code == 1
    assert "REJECTED" in rejected.output and "row 2: campaign_id unknown campaign" in rejected.output
    simulated = runner.invoke(cli, ["simulate", "--start", "2026-03-02", "--end", "2026-03-03", "--seed", "4",
                                    "--json"])
    assert simulated.exit_code == 0, simulated.output
    summary = json.loads(simulated.stdout.strip().splitlines()[-1])
    assert summary["events"] > 0
    store = open_store(settings)
    try:
        assert store.query("SELECT count(*) FROM events")[0][0] == 6 + summary["events"]
    finally:
        store.close()
    assert runner.invoke(cli, ["simulate", "--start", "2026-03-05", "--end", "2026-03-01"]).exit_code != 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_hands_work_to_the_running_server(db, tenant, settings, cli_env, tmp_path):
    c = make_campaign(db, tenant["owId"], start=START, end=END)
    batch = tmp_path / "events.ndjson"
    batch.write_bytes(ndjson(event_rows(c, 5)))
    # no background jobs: the lifecycle job would expire the March campaign by today's clock before the
    # handed-over simulation looks for running campaigns (this test is about the hand-over)
    env = {**os.environ, **cli_env, "ADPLANE_RUN_BACKGROUND_JOBS": "false"}
    adplane = [sys.executable, "-m", "adplane"]
    port = _free_port()
    server = subprocess.Popen([*adplane, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while live_server(settings, wait_seconds=0) is None:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        info = read_server_file(settings)
        assert info is not None and info.pid == server.pid
        assert (Path(settings.data_dir) / "server.json").stat().st_mode & 0o777 == 0o600
        # internal endpoints answer only the key's holder
        import httpx

        assert httpx.post(info.url + "/internal/events/maintain", headers={"X-Adplane-Control-Key": "x"}
                          ).status_code == 404
        assert info.call("POST", "/internal/events/maintain").status_code == 200
        ingest = subprocess.run([*adplane, "events", "ingest", str(batch), "--json"], env=env, capture_output=True,
                                timeout=120)
        assert ingest.returncode == 0, ingest.stderr.decode()[-2000:]
        assert json.loads(ingest.stdout)["status"] == "stored"
        simulate = subprocess.run([*adplane, "simulate", "--start", "2026-03-02", "--end", "2026-03-02", "--json"],
                                  env=env, capture_output=True, timeout=300)
        assert simulate.returncode == 0, simulate.stderr.decode()[-2000:]
        simulated = json.loads(simulate.stdout.decode().strip().splitlines()[-1])["events"]
        assert simulated > 0
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not (Path(settings.data_dir) / "server.json").exists()
    store = open_store(settings)
    try:
        assert store.query("SELECT count(*) FROM events")[0][0] == 5 + simulated
    finally:
        store.close()
