"""The set-based attribution join (`settle_sql` through `query_arrow_with`) on every store: DuckDB or PostgreSQL,
ClickHouse in-process (chDB) and over HTTP: the windows, the kinds, the tie rule and the organization scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from adplane.conversions.attribution import DIMENSIONS, US, settle_sql

NOW = datetime(2026, 3, 31, tzinfo=UTC)


@pytest.fixture
def analytics_url(every_store_url):  # noqa: ANN001, ANN201
    return every_store_url


def touch(kind: str, days_ago: float, campaign: int, creative: int, user: str = "u1", ow_id: int = 1,
          publisher: str | None = None) -> dict:
    return {"event_time": NOW - timedelta(days=days_ago), "event_type": kind, "ow_id": ow_id, "io_id": 7,
            "campaign_id": campaign, "creative_id": creative, "creative_type_id": 11, "user_id": user,
            "publisher": publisher}


def test_the_join_picks_each_hits_touch(store):
    store.append_events(pa.Table.from_pylist([
        touch("impression", 1, 10, 100, publisher="late-view"),
        touch("click", 5, 10, 101, publisher="click"),  # hybrid: a click in the window beats a later view
        touch("click", 3, 99, 990),  # a campaign the conversion is not attached to
        touch("click", 2, 10, 102, ow_id=2),  # another organization's event
        touch("click", 0.5, 10, 103, user="u2"),  # another user
        # u3: ties at one instant: the higher campaign, then the higher creative
        touch("impression", 2, 10, 104, user="u3"), touch("impression", 2, 11, 105, user="u3", publisher="tie"),
        touch("impression", 2, 11, 104, user="u3"),
        # u4: only a click older than the click window, and a view inside the view window
        touch("click", 20, 10, 106, user="u4"), touch("impression", 25, 11, 107, user="u4", publisher="view"),
        touch("impression", -1, 10, 108, user="u4"),  # after the conversion
        touch("view", 1, 10, 109, user="u4"),  # not a touch kind
    ]), batch_id="touches")
    hits = pa.table({
        "hit_id": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
        "ow_id": pa.array([1, 1, 1, 1, 1, 2], pa.int64()),
        "user_id": ["u1", "u1", "u3", "u4", "u4", "u1"],
        "conversion_id": pa.array([50, 51, 50, 50, 52, 60], pa.int64()),
        "at": pa.array([NOW] * 6, US),
        # 50 hybrid (click 15, view 28), 51 view based (28), 52 click based (15), 60: the other org's, hybrid
        "click_from": pa.array([NOW - timedelta(days=15), None, NOW - timedelta(days=15), NOW - timedelta(days=15),
                                NOW - timedelta(days=15), NOW - timedelta(days=15)], US),
        "view_from": pa.array([NOW - timedelta(days=28), NOW - timedelta(days=28), NOW - timedelta(days=28),
                               NOW - timedelta(days=28), None, NOW - timedelta(days=28)], US),
    })
    links = pa.table({"ow_id": pa.array([1, 1, 1, 1, 1, 1, 2], pa.int64()),
                      "conversion_id": pa.array([50, 50, 51, 51, 52, 52, 60], pa.int64()),
                      "campaign_id": pa.array([10, 11, 10, 11, 10, 11, 99], pa.int64())})
    got = store.query_arrow_with(settle_sql(store.dialect.name, "_t_hits", "_t_links"),
                                 [NOW - timedelta(days=40), NOW], {"_t_hits": hits, "_t_links": links})
    rows = {r["hit_id"]: r for r in got.to_pylist()}
    assert sorted(rows) == [1, 2, 3, 4]  # 5: u4's only click is too old; 6: ow 2 has no event of u1 on 99
    picked = {i: (r["touch_type"], r["campaign_id"], r["creative_id"], r["publisher"]) for i, r in rows.items()}
    assert picked == {1: ("click", 10, 101, "click"), 2: ("impression", 10, 100, "late-view"),
                      3: ("impression", 11, 105, "tie"), 4: ("impression", 11, 107, "view")}
    first = rows[1]
    assert first["hit_user"] == "u1" and first["ow_id"] == 1 and first["io_id"] == 7
    assert first["hit_at"].astimezone(UTC) == NOW and first["touch_time"].astimezone(UTC) == NOW - timedelta(days=5)
    assert set(DIMENSIONS) <= set(got.column_names)
    if store.backend == "clickhouse":  # the input tables were dropped after the query
        assert not store.query("SELECT name FROM system.tables WHERE database = currentDatabase() "
                               "AND name LIKE '\\_t\\_%'")
