"""API throughput (issue #19): requests/s and p50/p99 at 50 connections against a real `adplane serve`,
beside a bare FastAPI app (bench/bare_api.py) answering the same JSON from the same databases, in one run.

    .venv/bin/python bench/bench_api.py [--backend sqlite|postgresql] [--workers N] [--duration 10]

The load generator is wrk (Debian package `wrk`; the bench says so and stops if it is missing), a second
process on loopback. Both servers run one after the other on the same data dir, seeded by `serve --demo`
(no real-time simulator, so nothing else competes for the two cores). Cases: a password login, a static
list, the campaign list and a report execution, each after one checked warm-up request. Figures drift
with the machine; the ratio to the bare app in the same run is the number to read."""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("ADPLANE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class Case:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, probe: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + probe, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {base} did not come up")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _lua(case: Case) -> str:
    lines = [f'wrk.method = "{case.method}"']
    for key, value in case.headers.items():
        lines.append(f'wrk.headers["{key}"] = [[{value}]]')
    if case.body is not None:
        lines.append(f"wrk.body = [[{case.body}]]")
    return "\n".join(lines) + "\n"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert match, text
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(base: str, case: Case, *, duration: int, connections: int, work: Path) -> Figures:
    script = work / f"{case.name}.lua"
    script.write_text(_lua(case))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency",
                          "-s", str(script), base + case.path], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return Figures(rps, p50, p99, errors)


def _cases(creds: dict, token: str) -> list[Case]:
    basic = base64.b64encode(f"{creds['clientId']}:{creds['clientSecret']}".encode()).decode()
    auth = {"Authorization": f"Bearer {token}", "X-IAA-OW-ID": str(creds["owId"])}
    now_ms = int(time.time() * 1000)
    report = {"reportName": "bench", "startDate": now_ms - 13 * 86_400_000, "endDate": now_ms,
              "dimensions": json.dumps([{"filter": "campaign"}]),
              "columns": ["campaignId", "impressions", "clicks", "spent"], "requestType": 1,
              "timezoneName": "UTC", "noOfEntries": 50}
    login = {"grantType": "password", "email": creds["email"], "password": creds["password"]}
    return [
        Case("static list", "GET", "/api/v3/cmp/static/campaign/budget-type", auth),
        Case("campaign list", "GET", "/api/v2/cmp/campaigns/list", auth),
        Case("report execution", "POST", "/api/v3/ra/report/execute",
             {**auth, "Content-Type": "application/json"}, json.dumps(report)),
        # last: 50 argon2 checks still in flight when wrk stops would slow the next case down
        Case("login", "POST", "/api/v3/ua/login",
             {"Authorization": f"Basic {basic}", "X-IAA-HOST": creds["host"], "Content-Type": "application/json"},
             json.dumps(login)),
    ]


def _check(base: str, case: Case, log: Path) -> int:
    response = httpx.request(case.method, base + case.path, headers=case.headers, content=case.body, timeout=60)
    if response.status_code != 200:
        raise SystemExit(f"{case.name}: {response.status_code} {response.text[:300]}\n"
                         + log.read_text(errors="replace")[-3000:])
    return len(response.content)


def _measure(base: str, cases: list[Case], args: argparse.Namespace, work: Path, log: Path) -> dict[str, Figures]:
    out = {}
    for case in cases:
        _check(base, case, log)
        out[case.name] = wrk(base, case, duration=args.duration, connections=args.connections, work=work)
        print(f"  {case.name:<17} {out[case.name].rps:8.1f} req/s  p50 {out[case.name].p50_ms:7.1f} ms  "
              f"p99 {out[case.name].p99_ms:7.1f} ms  errors {out[case.name].errors}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench_api needs wrk (apt-get install wrk)")

    work = Path(tempfile.mkdtemp(prefix="adplane-bench-api-"))
    # the login throttle lets at most 20 attempts per address be in flight: 50 connections from one
    # address would measure the throttle's 429s, not a login
    # background jobs off: they are not the API (with PostgreSQL they run in `adplane worker` or in the
    # supervisor of `serve --workers`), and the bare app has none to compete with
    env = {**os.environ, "ADPLANE_DATA_DIR": str(work / "data"), "ADPLANE_LOG_LEVEL": "warning",
           "ADPLANE_RUN_BACKGROUND_JOBS": "false",
           "ADPLANE_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000", "ADPLANE_LOGIN_MAX_FAILURES_PER_ACCOUNT": "100000"}
    pg_db = None
    if args.backend == "postgresql":
        pg_db = f"bench_api_{os.getpid()}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_db}"')
        url = PG_ADMIN.rpartition("/")[0].replace("postgresql://", "postgresql+psycopg://") + f"/{pg_db}"
        env["ADPLANE_DATABASE_URL"] = url  # the analytics store follows the database onto PostgreSQL
    try:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [str(VENV_BIN / "adplane"), "serve", "--demo", "--no-simulate", "--port", str(port)]
        if args.workers > 1:
            serve += ["--workers", str(args.workers)]
        print(f"bench_api: {args.backend}, {args.workers} worker(s), {args.connections} connections, "
              f"{args.duration} s per case (wrk, 2 threads)", flush=True)
        serve_log = work / "serve.log"
        proc = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=serve_log.open("wb"))
        try:
            _wait_ready(base, "/readyz")
            creds = json.loads((work / "data" / "demo-credentials.json").read_text())
            login = _cases(creds, "")[-1]
            token = httpx.post(base + login.path, headers=login.headers, content=login.body,
                               timeout=30).json()["data"]["access_token"]
            cases = _cases(creds, token)
            print("adplane serve", flush=True)
            ours = _measure(base, cases, args, work, serve_log)
        finally:
            _stop(proc)
        bare_cmd = [str(VENV_BIN / "python"), "-m", "uvicorn", "bare_api:app", "--app-dir", str(BENCH_DIR),
                    "--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(args.workers)]
        bare_log = work / "bare.log"
        proc = subprocess.Popen(bare_cmd, env=env, stdout=subprocess.DEVNULL, stderr=bare_log.open("wb"))
        try:
            _wait_ready(base, "/docs")
            print("bare FastAPI (reference)", flush=True)
            bare = _measure(base, cases, args, work, bare_log)
        finally:
            _stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if pg_db:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')

    print("\n| case | adplane req/s | p50 ms | p99 ms | bare req/s | p50 ms | p99 ms | adplane / bare |")
    print("|---|---|---|---|---|---|---|---|")
    for name, mine in ours.items():
        ref = bare[name]
        print(f"| {name} | {mine.rps:.1f} | {mine.p50_ms:.1f} | {mine.p99_ms:.1f} | {ref.rps:.1f} | "
              f"{ref.p50_ms:.1f} | {ref.p99_ms:.1f} | {mine.rps / ref.rps:.0%} |")
    failed = {name: f.errors for name, f in {**ours}.items() if f.errors}
    if failed:
        print(f"errors (non-2xx or socket) in adplane runs: {failed}")


if __name__ == "__main__":
    main()
