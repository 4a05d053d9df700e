"""A report's own changes reach its schedule: new timezone → new next delivery; delete stops it."""

from __future__ import annotations

from datetime import UTC, datetime

from adplane.core.clock import clock
from adplane.schedules.service import schedule_summary
from test_schedules_support import SEED_REQUEST, make_report

SEED_TIME = datetime(2022, 11, 14, 15, tzinfo=UTC)


def test_patching_the_report_timezone_moves_the_next_delivery(client, headers, db, tenant):
    clock.set(SEED_TIME)
    report_id = make_report(db, tenant["owId"])
    saved = client.post("/api/v3/ra/report/email/schedule", headers=headers,
                        json={**SEED_REQUEST, "reportId": report_id})
    assert saved.status_code == 200, saved.text
    with db.session() as session:
        eastern = schedule_summary(session, report_id)["nextDeliveryDate"]
    # Monday 21 November 2022, 09:00 US/Eastern = 14:00 UTC
    assert eastern == int(datetime(2022, 11, 21, 14, tzinfo=UTC).timestamp() * 1000)
    patched = client.patch(f"/api/v3/ra/report/{report_id}", headers=headers, json={"timezoneName": "UTC"})
    assert patched.status_code == 200, patched.text
    shown = client.get(f"/api/v3/ra/report/{report_id}", headers=headers).json()["data"]
    assert shown["reportSchedulingEventDetails"]["nextDeliveryDate"] == int(
        datetime(2022, 11, 21, 9, tzinfo=UTC).timestamp() * 1000
    )
    assert client.delete(f"/api/v3/ra/report/{report_id}", headers=headers).status_code == 200
    with db.session() as session:
        assert schedule_summary(session, report_id) is None
