"""Exactly once with two real worker processes on PostgreSQL (`adplane scheduler run-due`)."""

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
from adplane.schedules.models import ScheduleOccurrence
from conftest import login
from test_schedules_support import SmtpSink, make_report

ADPLANE = str(Path(sys.executable).with_name("adplane"))
URL = "/api/v3/ra/report/email/schedule"
SCHEDULES = 60


def test_two_worker_processes_send_each_occurrence_once(client, db, tenant, settings, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("several worker processes share PostgreSQL; the embedded SQLite setup runs one")
    clock.set(datetime(2027, 3, 1, 10, tzinfo=UTC))
    headers = login(client, tenant)
    end_ms = int((clock.now() + timedelta(days=30)).timestamp() * 1000)
    for i in range(SCHEDULES):
        report_id = make_report(db, tenant["owId"], timezone=(0, "UTC"), name=f"r{i}")
        response = client.post(URL, headers=headers, json={
            "reportId": report_id, "subscriberEmails": [f"u{i}@example.com"], "fileType": 1,
            "deliveryFrequency": 2, "eventEndDate": end_ms, "deliveryDay": "Monday"})
        assert response.status_code == 200, response.text
    with SmtpSink() as sink:
        env = {**os.environ, "ADPLANE_DATABASE_URL": settings.database_url, "ADPLANE_DATA_DIR": str(tmp_path / "w"),
               "ADPLANE_SMTP_URL": sink.url, "ADPLANE_SECRET_KEY": "test-secret-key", "ADPLANE_LOG_LEVEL": "WARNING"}
        # two passes each: the second finds nothing left to do
        command = [ADPLANE, "scheduler", "run-due", "--now", "2027-03-03T09:00:00Z"]
        workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [w.communicate(timeout=300) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outputs
        stats = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sum(s["recorded"] for s in stats) == 2 * SCHEDULES  # 2 and 3 March, recorded by one or the other
    assert sum(s.get("done", 0) for s in stats) == 2 * SCHEDULES
    per_occurrence = Counter(m["X-Adplane-Occurrence"] for m in sink.messages)
    assert len(per_occurrence) == 2 * SCHEDULES and set(per_occurrence.values()) == {1}
    with db.session() as session:
        statuses = dict(session.execute(select(ScheduleOccurrence.status, func.count()).group_by(
            ScheduleOccurrence.status)).all())
        assert statuses == {"done": 2 * SCHEDULES}
        assert session.scalar(select(func.max(ScheduleOccurrence.attempts))) == 1
