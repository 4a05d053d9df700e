"""Shared helpers of the schedules tests (no tests here): report rows, a loopback SMTP sink."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from adplane.core.db import Database
from adplane.reports.models import REQUEST_TYPE_DAILY, Report

SEED_REQUEST = {
    "reportId": 1235,
    "subscriberEmails": ["sample_email1@example.com", "sample_email2@example.com"],
    "fileType": 2,
    "deliveryFrequency": 3,
    "eventEndDate": 1670674106000,
    "deliveryDay": "MONDAY",
    "runningTotalEnabled": True,
    "earliestCampaignStartDate": 1670674108900,
}


def make_report(db: Database, ow_id: int, *, report_id: int | None = None, dimensions: list | None = None,
                columns: list | None = None, timezone: tuple[int, str] = (29, "US/Eastern"),
                start: datetime = datetime(2022, 10, 1, 4, tzinfo=UTC),
                end: datetime = datetime(2022, 11, 1, 4, tzinfo=UTC), name: str = "Weekly campaigns",
                request_type: int = REQUEST_TYPE_DAILY) -> int:
    with db.session() as session:
        report = Report(
            ow_id=ow_id, name=name, dimensions=dimensions if dimensions is not None else [{"filter": "campaign"}],
            columns=columns or ["impressions", "clicks"], filters={}, request_type=request_type,
            start_date=start, end_date=end, timezone_id=timezone[0], timezone_name=timezone[1],
        )
        if report_id is not None:
            report.id = report_id
        session.add(report)
        session.commit()
        return report.id


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""

    def __init__(self, *, refuse: int = 0) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = refuse  # answer 451 to this many DATA commands first (a failing server)
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd hook
        with self._lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
