"""How long the campaign screens' attributed figures take to read (`io/campaigns/list`: per campaign, view-through
and click-through conversions of a window, from the attribution's claims on `conversion_hits`).

Generates N settled hits (`--hits`, default 2,000,000; 80% attributed, a third of those view through) over
`--campaigns` campaigns in a SQLite app database, then times `repository.attributed_by_campaign` for every campaign
all-time and for a 7-day window, and for one campaign, and checks the counts against numpy over the generated rows.

    .venv/bin/python bench/bench_attributed_counts.py --hits 2000000
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from adplane.conversions import repository as repo
from adplane.conversions.models import Conversion

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_setup import organization_db  # noqa: E402

OW_ID = 7
END = datetime(2026, 12, 1, tzinfo=UTC)
DAY_US = 86_400_000_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=2_000_000)
    parser.add_argument("--campaigns", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-attributed-"))
    url = f"sqlite:///{folder / 'app.db'}"
    db = organization_db(url, OW_ID)
    with db.session() as session:
        session.add(Conversion(id=1, ow_id=OW_ID, uuid="0" * 32, type_id=1, name="bench", status_id=1,
                               attribution_id=1, post_view_days=14, post_click_days=28, custom_fields=[]))
        session.commit()
    rng = np.random.default_rng(15)
    n = args.hits
    offsets = rng.integers(0, 30 * DAY_US, n)
    attributed = rng.random(n) < 0.8
    view = rng.random(n) < 1 / 3
    campaign = rng.integers(1, args.campaigns + 1, n)
    at = (np.datetime64(END.replace(tzinfo=None), "us") - offsets.astype("timedelta64[us]")).astype(str)
    started = time.perf_counter()
    raw = sqlite3.connect(str(folder / "app.db"))
    raw.executemany(
        "INSERT INTO conversion_hits (conversion_id, ow_id, source, transaction_id, user_key, occurred_at, "
        "received_at, custom_fields, state, touch, campaign_id) VALUES (1, ?, 'pixel', ?, 'u', ?, ?, '{}', ?, ?, ?)",
        ((OW_ID, f"t{i}", at[i].replace("T", " "), at[i].replace("T", " "),
          "attributed" if attributed[i] else "unattributed",
          ("view" if view[i] else "click") if attributed[i] else None,
          int(campaign[i]) if attributed[i] else None) for i in range(n)))
    raw.commit()
    raw.close()
    print(f"generated {n:,} hits over {args.campaigns} campaigns in {time.perf_counter() - started:.1f} s")
    owners = {c: OW_ID for c in range(1, args.campaigns + 1)}
    week_start, week_end = END - timedelta(days=10), END - timedelta(days=3)
    with db.session() as session:
        for label, start, end, asked in (("all campaigns, all time", None, None, owners),
                                         ("all campaigns, 7 days", week_start, week_end, owners),
                                         ("one campaign, 7 days", week_start, week_end, {1: OW_ID})):
            started = time.perf_counter()
            got = repo.attributed_by_campaign(session, asked, start, end)
            seconds = time.perf_counter() - started
            keep = attributed & np.isin(campaign, list(asked))
            if start is not None and end is not None:
                low = int((END - end) / timedelta(microseconds=1))
                high = int((END - start) / timedelta(microseconds=1))
                keep &= (offsets > low) & (offsets <= high)  # at in [start, end)
            want = {int(c): (int(np.sum(keep & view & (campaign == c))), int(np.sum(keep & ~view & (campaign == c))))
                    for c in np.unique(campaign[keep])}
            assert got == want, label
            print(f"{label}: {sum(v + c for v, c in got.values()):,} attributed hits counted in {seconds:.3f} s "
                  "(exact)")


if __name__ == "__main__":
    main()
