"""`adplane serve` as an operator sees it: every stderr line is a JSON log (uvicorn's, alembic's
and httpx's too, no warnings), `--version`, and a second server on the same data dir stops at once
with one line saying the data dir is in use."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

ADPLANE = [sys.executable, "-m", "adplane"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADPLANE_")}
    env.update(ADPLANE_DATA_DIR=str(data_dir), PYTHONWARNINGS="default", **extra)
    return env


def _wait_ready(server: subprocess.Popen, port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert server.poll() is None, "server exited early"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "server did not become ready"
        time.sleep(0.3)


@pytest.fixture
def demo_server(tmp_path: Path):
    data_dir = tmp_path / "var"
    port = _free_port()
    # files, not pipes: nobody reads a pipe while the server starts, and the demo's seeding logs more
    # than a pipe buffer holds (the server would block writing its logs and never become ready)
    with (tmp_path / "serve.out").open("wb") as out, (tmp_path / "serve.err").open("wb") as err:
        server = subprocess.Popen([*ADPLANE, "serve", "--demo", "--no-simulate", "--port", str(port)],
                                  env=_env(data_dir), stdout=out, stderr=err)
    try:
        _wait_ready(server, port)
        yield server, port, data_dir
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)


def test_every_serve_log_line_is_json_and_a_second_server_is_refused(demo_server):
    server, port, data_dir = demo_server
    assert httpx.get(f"http://127.0.0.1:{port}/healthz?probe=1").status_code == 200

    second = subprocess.run([*ADPLANE, "serve", "--port", str(_free_port())], env=_env(data_dir),
                            capture_output=True, timeout=60)
    assert second.returncode == 1
    lines = second.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    refusal = json.loads(lines[0])
    assert refusal["level"] == "error"
    assert "is in use by another adplane serve" in refusal["event"]
    assert str(data_dir.resolve()) in refusal["event"] and refusal["holder_pid"] == server.pid
    assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200  # the first one is untouched

    server.terminate()
    server.wait(timeout=30)
    out = (data_dir.parent / "serve.out").read_bytes()
    err = (data_dir.parent / "serve.err").read_bytes()
    assert b"curl -s -X POST" in out  # the demo's login hint is for the user, on stdout
    records = []
    for line in err.decode().splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a stderr line is not JSON: {line!r}")
    for record in records:
        assert {"event", "level", "timestamp", "logger"} <= record.keys(), record
    loggers = {r["logger"] for r in records}
    assert {"uvicorn.error", "alembic.runtime.migration", "httpx", "adplane.request"} <= loggers, loggers
    assert not [r for r in records if r["logger"] == "py.warnings" or "Warning" in r["event"]]
    assert any("Application startup complete" in r["event"] for r in records)
    requests = [r for r in records if r["logger"] == "adplane.request" and r["path"] == "/healthz"]
    assert requests and all(r["route"] == "/healthz" for r in requests)
    assert not [r for r in records if "probe=1" in json.dumps(r)]  # query strings are never logged


def test_a_server_that_stopped_frees_the_data_dir(tmp_path: Path):
    data_dir = tmp_path / "var"
    for _ in range(2):  # the lock dies with its process: no stale lock file blocks the next start
        port = _free_port()
        server = subprocess.Popen([*ADPLANE, "serve", "--port", str(port)], env=_env(data_dir),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_ready(server, port)
        finally:
            server.kill()
            server.wait(timeout=30)
    assert (data_dir / "serve.lock").exists()


def test_version_flag_prints_the_installed_version():
    result = subprocess.run([*ADPLANE, "--version"], capture_output=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"adplane {version('adplane')}"


def test_workers_need_postgresql(tmp_path: Path):
    result = subprocess.run([*ADPLANE, "serve", "--workers", "2", "--port", str(_free_port())],
                            env=_env(tmp_path / "var"), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "--workers needs ADPLANE_DATABASE_URL on PostgreSQL" in result.stderr


def test_workers_serve_from_several_processes(tmp_path: Path, backend: str, database_url: str,
                                              make_tenant) -> None:  # noqa: ANN001
    """`serve --workers 2` on PostgreSQL: two API processes under one supervisor answer logins and lists;
    a logout through one is seen by the other on the next request (the auth epoch)."""
    if backend != "postgresql":
        pytest.skip("several server processes need PostgreSQL")
    from conftest import basic_auth

    tenant = make_tenant()
    port = _free_port()
    with (tmp_path / "serve.err").open("wb") as err:
        server = subprocess.Popen([*ADPLANE, "serve", "--workers", "2", "--port", str(port)],
                                  env=_env(tmp_path / "var", ADPLANE_DATABASE_URL=database_url),
                                  stdout=subprocess.DEVNULL, stderr=err)
    try:
        _wait_ready(server, port)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) >= 2, children  # uvicorn's two workers (and its resource tracker, if any)
        base = f"http://127.0.0.1:{port}"
        login = httpx.post(f"{base}/api/v3/ua/login", timeout=30,
                           headers={"Authorization": basic_auth(tenant), "X-IAA-HOST": tenant["host"]},
                           json={"grantType": "password", "email": tenant["email"], "password": tenant["password"]})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}",
                   "X-IAA-OW-ID": str(tenant["owId"])}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            # fresh connections spread over both workers; each caches the caller
            for _ in range(8):
                assert httpx.get(f"{base}/api/v2/cmp/campaigns/list", headers=headers).status_code == 200
            assert client.post("/api/v3/ua/logout").status_code == 200
        for _ in range(8):
            assert httpx.get(f"{base}/api/v2/cmp/campaigns/list", headers=headers).status_code == 401
        lines = [json.loads(line) for line in (tmp_path / "serve.err").read_text().splitlines() if line.strip()]
        assert not [line for line in lines if line.get("level") == "error"], lines
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)
