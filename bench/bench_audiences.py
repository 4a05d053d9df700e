"""Benchmark: matching a large matched-audience upload against the identity store, rows/s.

Seeds the identity store with the simulator's synthetic identifiers of `--users` users (SQLite by
default, or `--database-url`), writes a CSV of `--rows` rows (e-mails: a share of known users in mixed
case, unknown addresses and invalid cells), then runs the matching engine the "audience-match" job
uses (read, normalise, SHA-256, look up, result file) and the members' write, and prints rows/s.

    .venv/bin/python bench/bench_audiences.py --rows 1000000 --users 200000
"""

from __future__ import annotations

import argparse
import csv
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


def write_file(path: Path, rows: int, users: int, seed: int) -> int:
    """The upload; returns how many rows hold a known user's e-mail."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(1, users + 1, rows)
    kinds = rng.random(rows)
    known = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["first_name", "email"])
        for i, (user, kind) in enumerate(zip(picks.tolist(), kinds.tolist(), strict=True)):
            email = identities.synthetic_identifiers(user).get(catalog.KIND_EMAIL)
            if kind < 0.7 and email:
                writer.writerow(["x", email.upper() if i % 2 else email])
                known += 1
            elif kind < 0.95:
                writer.writerow(["y", f"stranger{i}@example.org"])
            else:
                writer.writerow(["z", "not an e-mail"])
    return known


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="adplane-bench-aud-") as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.db"
        upgrade(url)
        db = Database(url)
        started = time.perf_counter()
        with db.session() as session:
            added = identities.seed_simulated_users(session, range(1, args.users + 1))
            session.commit()
        seeded = time.perf_counter() - started
        print(f"identity store: {added:,} identities of {args.users:,} users in {seeded:.1f} s")
        upload = Path(scratch) / "upload.csv"
        started = time.perf_counter()
        known = write_file(upload, args.rows, args.users, args.seed)
        print(f"upload: {args.rows:,} rows ({upload.stat().st_size / 1e6:.0f} MB) written in "
              f"{time.perf_counter() - started:.1f} s")
        header = matching.read_header(upload, "upload.csv")
        columns = matching.mapped_columns(header, [(19, "first_name", None), (2, "email", 1)])
        with db.session() as session:
            started = time.perf_counter()
            result = matching.match_file(upload, "upload.csv", columns,
                                         lambda k, c, keys: identities.lookup(session, k, c, keys),
                                         Path(scratch) / "result.csv")
            matched_s = time.perf_counter() - started
            assert result.rows == args.rows and result.matched_rows == known, (result, known)
        with db.session() as session:
            # no organization exists in the bench database: foreign keys off for this one session
            off = "SET session_replication_role = replica" if db.is_postgres else "PRAGMA foreign_keys=OFF"
            session.execute(text(off))
            started = time.perf_counter()
            audience = Audience(ow_id=0, name="bench", type_id=catalog.TYPE_MATCHED, status_id=1)
            session.add(audience)
            session.flush()
            repo.replace_members(session, audience.id, result.user_ids)
            session.commit()
            members_s = time.perf_counter() - started
        print(f"matched {result.rows:,} rows in {matched_s:.1f} s: {result.rows / matched_s:,.0f} rows/s "
              f"({result.matched_rows:,} matched, {result.invalid_rows:,} invalid, {result.reach:,} unique users, "
              f"exact against the generator)")
        print(f"members written: {result.reach:,} in {members_s:.1f} s; end to end "
              f"{result.rows / (matched_s + members_s):,.0f} rows/s")
        db.dispose()


if __name__ == "__main__":
    main()
