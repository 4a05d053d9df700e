"""API throughput (issue #19): requests/s and p50/p99 at 50 connections against a real `adplane serve`,
beside a bare FastAPI app (bench/bare_api.py) answering the same JSON from the same databases, in one run.

    .venv/bin/python bench/bench_api.py [--backend sqlite|postgresql] [--workers N] [--duration 10]

The load generator is wrk (Debian package `wrk`; the bench says so and stops if it is missing), a second
process on loopback. Both servers run one after the other on the same data dir, seeded by `serve --demo`
(no real-time simulator, so nothing else competes for the two cores). Cases: a password login, a static
list, the campaign list and a report execution, each after one checked warm-up request. Figures drift
with the machine; the ratio to the bare app in the same run is the number to read.

Saturated runs (wrk's default: each connection sends its next request the moment the last is answered) give
the throughput; at saturation a server's mean latency is connections / throughput (Little's law), whatever
its code does. With `--paced F` (default 0.5) each read is run again with the 50 connections sending at
about F times the slower app's saturated rate (random think time between requests), both apps the same
offered rate: the latency of a server that is busy but not overrun. adplane is restarted for its paced runs,
after the bare app's, on the same data."""

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from adplane.core.settings import Settings

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


def _lua(case: Case, think_ms: float = 0) -> str:
    lines = [f'wrk.method = "{case.method}"']
    if think_ms:
        # each connection waits a random (exponential) think time before each request: 50 clients at a
        # given rate, not 50 clients each sending the next request the moment the last one is answered
        lines += ["function init(args) math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end",
                  f"function delay() return math.floor(-math.log(1 - math.random()) * {think_ms:.3f}) end"]
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


def wrk(base: str, case: Case, *, duration: int, connections: int, work: Path, rate: float = 0) -> Figures:
    """Saturated (each connection sends its next request at once), or paced at about `rate` requests/s
    overall. wrk times a request from its first byte written, so the think time is not in the latency."""
    script = work / f"{case.name}.lua"
    script.write_text(_lua(case, think_ms=connections / rate * 1000 if rate else 0))
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


READS = ("static list", "campaign list", "report execution")


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


def _print(label: str, figures: Figures) -> None:
    print(f"  {label:<26} {figures.rps:8.1f} req/s  p50 {figures.p50_ms:7.1f} ms  p99 {figures.p99_ms:7.1f} ms  "
          f"errors {figures.errors}", flush=True)


def _measure(base: str, cases: list[Case], args: argparse.Namespace, work: Path, log: Path,
             rates: dict[str, float] | None = None) -> dict[str, Figures]:
    """Each case saturated; or, with `rates`, each read paced at its rate."""
    out = {}
    for case in cases:
        if rates is not None and case.name not in rates:
            continue
        _check(base, case, log)
        rate = rates[case.name] if rates is not None else 0
        out[case.name] = wrk(base, case, duration=args.duration, connections=args.connections, work=work,
                             rate=rate)
        _print(f"{case.name} at {rate:.0f} req/s" if rate else case.name, out[case.name])
    return out


@contextmanager
def _serving(command: list[str], env: dict[str, str], log: Path, base: str, probe: str) -> Iterator[None]:
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab"))
    try:
        _wait_ready(base, probe)
        yield
    finally:
        _stop(proc)


def _table(header: list[str], rows: list[list[str]]) -> None:
    print("\n| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--paced", type=float, default=0.5,
                        help="also run each read paced at this fraction of the slower app's saturated rate, "
                             "both apps at the same rate (0: saturated runs only)")
    parser.add_argument("--cases", default="",
                        help="comma-separated case names to run (default: all): " + ", ".join((*READS, "login")))
    args = parser.parse_args()
    wanted = {name.strip() for name in args.cases.split(",") if name.strip()}
    if unknown := wanted - {*READS, "login"}:
        raise SystemExit(f"--cases: unknown {sorted(unknown)}")
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
        with _serving(serve, env, serve_log, base, "/readyz"):
            creds = json.loads((work / "data" / "demo-credentials.json").read_text())
            login = _cases(creds, "")[-1]
            token = httpx.post(base + login.path, headers=login.headers, content=login.body,
                               timeout=30).json()["data"]["access_token"]
            cases = [case for case in _cases(creds, token) if not wanted or case.name in wanted]
            print("adplane serve", flush=True)
            ours = _measure(base, cases, args, work, serve_log)
        bare_cmd = [str(VENV_BIN / "python"), "-m", "uvicorn", "bare_api:app", "--app-dir", str(BENCH_DIR),
                    "--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(args.workers),
                    "--loop", Settings().event_loop]  # the event loop adplane serves on (same environment)
        bare_log = work / "bare.log"
        # paced: both apps offered the same rate, a fraction of the slower one's saturated rate
        rates: dict[str, float] = {}
        with _serving(bare_cmd, env, bare_log, base, "/docs"):
            print("bare FastAPI (reference)", flush=True)
            bare = _measure(base, cases, args, work, bare_log)
            if args.paced:
                rates = {name: min(ours[name].rps, bare[name].rps) * args.paced for name in READS if name in ours}
                bare_paced = _measure(base, cases, args, work, bare_log, rates=rates)
        if rates:
            with _serving(serve, env, serve_log, base, "/readyz"):
                print("adplane serve, paced", flush=True)
                ours_paced = _measure(base, cases, args, work, serve_log, rates=rates)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if pg_db:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')

    def cells(figures: Figures) -> list[str]:
        return [f"{figures.rps:.1f}", f"{figures.p50_ms:.1f}", f"{figures.p99_ms:.1f}"]

    _table(["case", "adplane req/s", "p50 ms", "p99 ms", "bare req/s", "p50 ms", "p99 ms", "adplane / bare"],
           [[name, *cells(mine), *cells(bare[name]), f"{mine.rps / bare[name].rps:.0%}"]
            for name, mine in ours.items()])
    if rates:
        print(f"\nPaced: each read offered at {args.paced:.0%} of the slower app's saturated rate above, the same "
              f"rate to both apps ({args.connections} connections, exponential think time)")
        _table(["case", "offered req/s", "adplane req/s", "p50 ms", "p99 ms", "bare req/s", "p50 ms", "p99 ms"],
               [[name, f"{rates[name]:.0f}", *cells(mine), *cells(bare_paced[name])]
                for name, mine in ours_paced.items()])
    failed = {name: f.errors for name, f in ours.items() if f.errors}
    failed |= {f"{name} (paced)": f.errors for name, f in (ours_paced if rates else {}).items() if f.errors}
    if failed:
        print(f"errors (non-2xx or socket) in adplane runs: {failed}")


if __name__ == "__main__":
    main()
