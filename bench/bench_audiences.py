"""Benchmark: matching a large matched-audience upload against the identity store, rows/s.

Seeds the identity store with the simulator's synthetic identifiers of `--users` users (SQLite by
default, or `--database-url`), writes a CSV of `--rows` rows (e-mails: 70% known users' in mixed
case, 25% unknown addresses, 5% invalid cells), then runs the matching engine the "audience-match" job
uses (read, normalise, SHA-256, look up, result file) and the members' write, and prints rows/s; the
counts are checked against the generator (matched rows, invalid rows, unique users).

    .venv/bin/python bench/bench_audiences.py --rows 10000000 --users 2000000
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text

from adplane.audiences import catalog, identities, matching
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.core.db import Database
from adplane.core.migrate import upgrade


def write_file(path: Path, rows: int, users: int, seed: int) -> tuple[int, int, int]:
    """The upload; returns (rows holding a known user's e-mail, invalid rows, distinct users among them)."""
    rng = np.random.default_rng(seed)
    emails = [identities.synthetic_identifiers(u).get(catalog.KIND_EMAIL) for u in range(users + 1)]
    known = invalid = 0
    seen: set[int] = set()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["first_name", "email"])
        for first in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - first)
            picks = rng.integers(1, users + 1, n).tolist()
            kinds = rng.random(n).tolist()
            out = []
            for i, (user, kind) in enumerate(zip(picks, kinds, strict=True), first):
                email = emails[user]
                if kind < 0.7 and email:
                    out.append(("x", email.upper() if i % 2 else email))
                    known += 1
                    seen.add(user)
                elif kind < 0.95:
                    out.append(("y", f"stranger{i}@example.org"))
                else:
                    out.append(("z", "not an e-mail"))
                    invalid += 1
            writer.writerows(out)
    return known, invalid, len(seen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default="", help="keep the seeded store and the upload here (reused by a later "
                                                    "run with the same sizes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="adplane-bench-aud-") as temporary:
        scratch = Path(args.dir or temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        sizes = json.dumps({"rows": args.rows, "users": args.users, "seed": args.seed, "url": args.database_url})
        marker = scratch / "sizes.json"
        reuse = bool(args.dir) and marker.exists() and marker.read_text() == sizes
        url = args.database_url or f"sqlite:///{scratch}/bench.db"
        upload = scratch / "upload.csv"
        if not reuse and not args.database_url:
            (scratch / "bench.db").unlink(missing_ok=True)
        upgrade(url)
        db = Database(url)
        if reuse:
            known, invalid, uniques = json.loads((scratch / "expected.json").read_text())
            print(f"reused the identity store and the upload of {args.rows:,} rows in {scratch}")
        else:
            started = time.perf_counter()
            with db.session() as session:
                added = identities.seed_simulated_users(session, range(1, args.users + 1))
                session.commit()
            print(f"identity store: {added:,} identities of {args.users:,} users in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            known, invalid, uniques = write_file(upload, args.rows, args.users, args.seed)
            print(f"upload: {args.rows:,} rows ({upload.stat().st_size / 1e6:.0f} MB) written in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            (scratch / "expected.json").write_text(json.dumps([known, invalid, uniques]))
            marker.write_text(sizes)
        header = matching.read_header(upload, "upload.csv")
        columns = matching.mapped_columns(header, [(19, "first_name", None), (2, "email", 1)])
        with db.session() as session:
            started, cpu = time.perf_counter(), time.process_time()
            result = matching.match_file(upload, "upload.csv", columns,
                                         lambda k, c, keys: identities.lookup(session, k, c, keys),
                                         scratch / "result.csv")
            matched_s, matched_cpu = time.perf_counter() - started, time.process_time() - cpu
            assert (result.rows, result.matched_rows, result.invalid_rows, result.reach) == (
                args.rows, known, invalid, uniques), (result, known, invalid, uniques)
        with db.session() as session:
            # no organization exists in the bench database: foreign keys off for this one session
            off = "SET session_replication_role = replica" if db.is_postgres else "PRAGMA foreign_keys=OFF"
            session.execute(text(off))
            started = time.perf_counter()
            audience = Audience(ow_id=0, name="bench", type_id=catalog.TYPE_MATCHED, status_id=1)
            session.add(audience)
            session.flush()
            repo.replace_members(session, audience.id, result.user_ids)
            members_s = time.perf_counter() - started
            session.rollback()  # the store stays as seeded for a later run
        print(f"matched {result.rows:,} rows in {matched_s:.1f} s: {result.rows / matched_s:,.0f} rows/s "
              f"({result.matched_rows:,} matched, {result.invalid_rows:,} invalid, {result.reach:,} unique users, "
              f"exact against the generator); CPU time {matched_cpu:.1f} s, {result.rows / matched_cpu:,.0f} "
              "rows per CPU second")
        print(f"members written: {result.reach:,} in {members_s:.1f} s; end to end "
              f"{result.rows / (matched_s + members_s):,.0f} rows/s")
        db.dispose()


if __name__ == "__main__":
    main()
