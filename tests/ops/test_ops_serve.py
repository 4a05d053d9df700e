"""`adplane serve` as an operator sees it: every stderr line is a JSON log (uvicorn's, alembic's
and httpx's too, no warnings), `--version`, and a second server on the same data dir stops at once
with one line saying the data dir is in use. With `--workers`: each worker accepts on a socket of its
own (read from /proc: which process holds which socket), a killed worker is replaced, so is one whose
event loop stopped turning, and SIGTERM or SIGINT stops them all."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

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


# --- `serve --workers`: a SO_REUSEPORT socket per worker (adplane.cli.supervisor) ---------------------------
# Which process holds which socket is read from /proc: /proc/net/tcp{,6} gives each socket of the port (state,
# remote port, inode), /proc/<pid>/fd names the inodes a process holds. Nothing in the app is added for it.

LISTEN, ESTABLISHED = "0A", "01"


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback here")


def _port_sockets(port: int) -> list[tuple[str, int, int]]:
    """(state, remote port, inode) of every TCP socket whose local port is `port`, IPv4 and IPv6."""
    rows = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                rows.append((fields[3], int(fields[2].rsplit(":", 1)[1], 16), int(fields[9])))
    return rows


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except (FileNotFoundError, PermissionError):  # exited (or a zombie)
        return set()
    for fd in fds:
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:["):-1]))
    return inodes


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _workers_listening(server: subprocess.Popen, port: int, count: int, *, besides: Collection[int] = (),
                       timeout: float = 120) -> dict[int, int]:
    """Waits until `count` children of the supervisor, none of them in `besides`, each hold one listening
    socket of the port, no two the same, and the supervisor holds none of them; returns {worker pid: its
    listening socket's inode}."""
    deadline = time.monotonic() + timeout
    while True:
        assert server.poll() is None, "server exited"
        listening = {inode for state, _, inode in _port_sockets(port) if state == LISTEN}
        held = {child: _socket_inodes(child) & listening for child in _children(server.pid)}
        held = {child: inodes for child, inodes in held.items() if inodes}
        if (len(listening) == count and len(held) == count and all(len(i) == 1 for i in held.values())
                and not set(held) & set(besides) and not _socket_inodes(server.pid) & listening):
            return {child: inodes.pop() for child, inodes in held.items()}
        assert time.monotonic() < deadline, f"workers not listening: {held}, sockets {listening}"
        time.sleep(0.2)


def _accepted_by(port: int, workers: dict[int, int], host: str = "127.0.0.1") -> int:
    """One request on a fresh connection; the pid of the worker holding the connection's server side."""
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: adplane\r\n\r\n")
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = conn.recv(4096)
            assert chunk, response
            response += chunk
        assert response.startswith(b"HTTP/1.1 200"), response
        client_port = conn.getsockname()[1]
        (inode,) = [inode for state, remote, inode in _port_sockets(port)
                    if state == ESTABLISHED and remote == client_port]
        (owner,) = [pid for pid in workers if inode in _socket_inodes(pid)]
        return owner


def _wait_reaped(pids: Collection[int], timeout: float = 60) -> None:
    """Until the processes are reaped by their parent. A zombie will not do: a killed process's main thread
    turns zombie while its other threads still hold the descriptors (its listening socket among them)."""
    deadline = time.monotonic() + timeout
    while left := [pid for pid in pids if Path(f"/proc/{pid}").exists()]:
        assert time.monotonic() < deadline, left
        time.sleep(0.1)


def _log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class Served(NamedTuple):
    server: subprocess.Popen
    port: int
    log: Path
    host: str


@pytest.fixture
def two_workers(request: pytest.FixtureRequest, tmp_path: Path, backend: str, database_url: str) -> Iterator[Served]:
    """`serve --workers 2` on PostgreSQL (host: the test's `two_workers` parameter, else 127.0.0.1), ready."""
    if backend != "postgresql":
        pytest.skip("several server processes need PostgreSQL")
    with _serving_two_workers(tmp_path, database_url, getattr(request, "param", "127.0.0.1")) as served:
        yield served


@contextlib.contextmanager
def _serving_two_workers(tmp_path: Path, database_url: str, host: str = "127.0.0.1",
                         *options: str) -> Iterator[Served]:
    """`serve --workers 2 [options]` on PostgreSQL, ready; stopped (killed if it will not stop) on leaving."""
    port = _free_port()
    log = tmp_path / "serve.err"
    with log.open("wb") as err:
        server = subprocess.Popen([*ADPLANE, "serve", "--workers", "2", *options, "--host", host, "--port", str(port)],
                                  env=_env(tmp_path / "var", ADPLANE_DATABASE_URL=database_url),
                                  stdout=subprocess.DEVNULL, stderr=err)
    try:
        _wait_ready(server, port)
        yield Served(server, port, log, host)
    finally:
        if server.poll() is None:
            server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.parametrize("two_workers", ["127.0.0.1", pytest.param("::", marks=needs_ipv6)], indirect=True)
def test_each_worker_accepts_on_a_socket_of_its_own(two_workers: Served) -> None:
    """Two listening sockets on the port, one in each worker, none in the supervisor; fresh connections
    land on both workers (all 20 on one would be a 1 in 500,000 draw of the kernel's hash). With "::" the
    sockets are IPv6 and take IPv4 connections too (dual stack), as uvicorn's would."""
    server, port, log, host = two_workers
    workers = _workers_listening(server, port, 2)
    ipv6 = {int(line.split()[9]) for line in Path("/proc/net/tcp6").read_text().splitlines()[1:]}
    assert (set(workers.values()) <= ipv6) == (host == "::")
    addresses = ["127.0.0.1", "::1"] if host == "::" else ["127.0.0.1"]
    accepted = Counter(_accepted_by(port, workers, addresses[i % len(addresses)]) for i in range(20))
    assert set(accepted) == set(workers), accepted
    assert not [line for line in _log(log) if line.get("level") == "error"]


def test_a_killed_worker_is_replaced_and_the_server_keeps_answering(two_workers: Served) -> None:
    server, port, log, _ = two_workers
    before = _workers_listening(server, port, 2)
    victim, survivor = sorted(before)
    os.kill(victim, signal.SIGKILL)
    _wait_reaped([victim])  # by the supervisor, which starts another worker
    # the victim's socket closed with it: new connections go to the survivor while the replacement starts
    for _ in range(10):
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
    after = _workers_listening(server, port, 2)
    assert survivor in after and victim not in after
    assert after[survivor] == before[survivor]  # the survivor kept its socket; the replacement has a new one
    accepted = Counter(_accepted_by(port, after) for _ in range(20))
    assert set(accepted) == set(after), accepted
    lines = _log(log)
    assert [line["pid"] for line in lines if line.get("event") == "a worker died; starting another"] == [victim]
    assert not [line for line in lines if line.get("level") == "error"], lines


def test_a_worker_whose_loop_stops_turning_is_killed_and_replaced(tmp_path: Path, backend: str,
                                                                  database_url: str) -> None:
    """SIGSTOP freezes a worker as a blocked event loop would: its loop stops ticking. Healthy workers outlive
    several timeouts; the frozen one is killed once its last tick is older than --worker-timeout (SIGKILL
    reaches a stopped process) and replaced, and the other worker answers meanwhile."""
    if backend != "postgresql":
        pytest.skip("several server processes need PostgreSQL")
    timeout = 3
    victim: int | None = None
    with _serving_two_workers(tmp_path, database_url, "127.0.0.1", "--worker-timeout", str(timeout)) as served:
        server, port, log, _ = served
        try:
            before = _workers_listening(server, port, 2)
            time.sleep(timeout * 2.5)  # ticking workers are left alone
            assert set(_workers_listening(server, port, 2)) == set(before)
            victim, survivor = sorted(before)
            frozen_at = time.monotonic()
            os.kill(victim, signal.SIGSTOP)
            _wait_reaped([victim])
            assert time.monotonic() - frozen_at >= timeout
            after = _workers_listening(server, port, 2, besides=[victim])
            assert survivor in after
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
            lines = _log(log)
            stuck = [line for line in lines if line.get("event") == "a worker's event loop has not turned: killing it"]
            assert [line["pid"] for line in stuck] == [victim], lines
            assert stuck[0]["level"] == "error" and stuck[0]["silent_s"] >= timeout
            assert [line["pid"] for line in lines if line.get("event") == "a worker died; starting another"] == [victim]
        finally:
            if victim is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(victim, signal.SIGCONT)  # if the test failed before the supervisor killed it


def test_hup_replaces_the_workers_and_ttin_ttou_change_their_number(two_workers: Served) -> None:
    """As uvicorn's process manager: SIGHUP replaces each worker (its replacement listens first), SIGTTIN
    adds one, SIGTTOU retires one."""
    server, port, log, _ = two_workers
    first = _workers_listening(server, port, 2)
    server.send_signal(signal.SIGHUP)
    replaced = _workers_listening(server, port, 2, besides=first)
    _wait_reaped(first)
    server.send_signal(signal.SIGTTIN)
    three = _workers_listening(server, port, 3)
    assert set(replaced) < set(three)
    assert set(Counter(_accepted_by(port, three) for _ in range(30))) == set(three)
    server.send_signal(signal.SIGTTOU)
    two = _workers_listening(server, port, 2)
    assert set(two) < set(three)
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
    lines = _log(log)
    assert not [line for line in lines if line.get("event") == "a worker died; starting another"]
    assert not [line for line in lines if line.get("level") == "error"], lines


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_stops_every_worker(two_workers: Served, stop: signal.Signals) -> None:
    server, port, log, _ = two_workers
    workers = _workers_listening(server, port, 2)
    others = [pid for pid in _children(server.pid) if pid not in workers]  # multiprocessing's resource tracker
    server.send_signal(stop)
    assert server.wait(timeout=60) == 0
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]  # joined by the supervisor
    _wait_reaped(others)  # the tracker ends once the supervisor is gone (and init reaps it)
    assert not [row for row in _port_sockets(port) if row[0] == LISTEN]
    lines = _log(log)
    assert [sorted(line["pids"]) for line in lines if line.get("event") == "workers stopped"] == [sorted(workers)]
    assert not [line for line in lines if line.get("level") == "error"], lines


def test_workers_refuse_a_port_something_listens_on(tmp_path: Path, backend: str, database_url: str) -> None:
    """SO_REUSEPORT alone would let the workers share a port with another server of the same user; the
    supervisor first binds without it, and stops with uvicorn's startup-failure status (3)."""
    if backend != "postgresql":
        pytest.skip("several server processes need PostgreSQL")
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = subprocess.run([*ADPLANE, "serve", "--workers", "2", "--port", str(port)],
                                env=_env(tmp_path / "var", ADPLANE_DATABASE_URL=database_url),
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr[-2000:]
    errors = [json.loads(line) for line in result.stderr.splitlines() if '"level": "error"' in line]
    assert len(errors) == 1 and f"cannot listen on 127.0.0.1:{port}" in errors[0]["event"], errors


@pytest.mark.parametrize(("host", "family", "connect_to"), [
    ("127.0.0.1", socket.AF_INET, "127.0.0.1"), ("0.0.0.0", socket.AF_INET, "127.0.0.1"),
    ("", socket.AF_INET, "127.0.0.1"), pytest.param("::1", socket.AF_INET6, "::1", marks=needs_ipv6),
    pytest.param("::", socket.AF_INET6, "::1", marks=needs_ipv6)])
def test_reuseport_sockets_follow_the_host_family(host: str, family: socket.AddressFamily, connect_to: str) -> None:
    """Real sockets: several bound to one port, each listening, all reached; a plain bind then fails."""
    from adplane.cli.supervisor import bind_reuseport, refuse_taken_port

    first = bind_reuseport(host, 0)
    port = first.getsockname()[1]
    sockets = [first, *(bind_reuseport(host, port) for _ in range(3))]
    try:
        assert {sock.family for sock in sockets} == {family}
        assert all(sock.get_inheritable() for sock in sockets)
        for sock in sockets:
            sock.listen()
        with pytest.raises(OSError):
            refuse_taken_port(host, port)
        for _ in range(4):
            socket.create_connection((connect_to, port), timeout=10).close()
    finally:
        for sock in sockets:
            sock.close()
