"""Two real `adplane worker --once --kind schedules` processes on PostgreSQL: each due delivery once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adplane.core.clock import clock
from adplane.jobs.models import Job
from adplane.schedules.models import ScheduleOccurrence
from conftest import login
from test_schedules_support import SmtpSink, make_report

ADPLANE = str(Path(sys.executable).with_name("adplane"))
URL = "/api/v3/ra/report/email/schedule"
SCHEDULES = 40


def test_two_worker_processes_deliver_each_due_occurrence_once(client, db, tenant, settings, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("several worker processes share PostgreSQL; the embedded SQLite setup runs one")
    # schedules saved three days ago (the workers run on the real clock): two or three deliveries each are due
    clock.set(datetime.now(UTC) - timedelta(days=3))
    headers = login(client, tenant)
    end_ms = int((clock.now() + timedelta(days=30)).timestamp() * 1000)
    for i in range(SCHEDULES):
        report_id = make_report(db, tenant["owId"], timezone=(0, "UTC"), name=f"r{i}")
        response = client.post(URL, headers=headers, json={
            "reportId": report_id, "subscriberEmails": [f"u{i}@example.com"], "fileType": 1,
            "deliveryFrequency": 2, "eventEndDate": end_ms, "deliveryDay": "Monday"})
        assert response.status_code == 200, response.text
    clock.reset()
    with SmtpSink() as sink:
        env = {**os.environ, "ADPLANE_DATABASE_URL": settings.database_url, "ADPLANE_DATA_DIR": str(tmp_path / "w"),
               "ADPLANE_SMTP_URL": sink.url, "ADPLANE_SECRET_KEY": "test-secret-key", "ADPLANE_LOG_LEVEL": "INFO"}
        command = [ADPLANE, "worker", "--once", "--kind", "schedules"]
        workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [w.communicate(timeout=300) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outputs
    # each structured line once (a worker's stderr may repeat a line through two handlers)
    lines = {line for _, err in outputs for line in err.splitlines() if line.startswith("{")}
    passes = [p for p in map(json.loads, lines) if p.get("event") == "job_pass"]
    assert {p["kind"] for p in passes} == {"schedules"}
    with db.session() as session:
        occurrences = session.scalar(select(func.count()).select_from(ScheduleOccurrence))
        statuses = dict(session.execute(select(ScheduleOccurrence.status, func.count()).group_by(
            ScheduleOccurrence.status)).all())
        assert session.scalar(select(func.max(ScheduleOccurrence.attempts))) == 1
        assert session.scalar(select(func.count()).select_from(Job)) == 0  # no other kind ran
    assert occurrences >= 2 * SCHEDULES and statuses == {"done": occurrences}
    per_occurrence = Counter(m["X-Adplane-Occurrence"] for m in sink.messages)
    assert len(per_occurrence) == occurrences and set(per_occurrence.values()) == {1}
