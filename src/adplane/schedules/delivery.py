"""What a scheduled e-mail contains: the report file, headline totals, a daily-trend chart, links."""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from adplane.core.settings import Settings
from adplane.mail import compose
from adplane.reports.models import Report
from adplane.reports.service import ReportResult, execute_report, export_report
from adplane.schedules.links import unsubscribe_urls
from adplane.schedules.models import ReportSchedule, ScheduleOccurrence
from adplane.schedules.recurrence import FREQUENCIES

PREFERRED_TREND_COLUMNS = ("impressions", "spent", "totalSpent", "clicks")
CHART_CID = "trend"


@dataclass
class ReportContent:
    """Everything recipient-independent of one delivery, built once and sent to each recipient."""

    attachment: Path
    totals: list[tuple[str, str]]  # (label, formatted value), in the report's column order
    trend_label: str = ""
    trend: list[tuple[str, float]] = field(default_factory=list)  # (YYYY-MM-DD, value)
    chart_png: bytes | None = None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _format(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def _trend(result: ReportResult) -> tuple[str, list[tuple[str, float]]]:
    if not result.daily_totals:
        return "", []
    first = result.daily_totals[0][1]
    numeric = [key for key in result.columns if _is_number(first.get(key))]
    preferred = [key for key in PREFERRED_TREND_COLUMNS if key in numeric]
    candidates = preferred or numeric
    if not candidates:
        return "", []
    key = candidates[0]
    points = [(day, float(row.get(key) or 0)) for day, row in result.daily_totals]
    return result.labels.get(key, key), points


def trend_chart(label: str, points: list[tuple[str, float]]) -> bytes:
    """A small PNG line chart (matplotlib's object API: no pyplot state, safe in threads)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 2), dpi=100)
    axes = figure.subplots()
    axes.plot(range(len(points)), [value for _, value in points], color="#2f6fdf", linewidth=2, marker="o",
              markersize=3)
    axes.set_title(f"Daily {label}", fontsize=9, loc="left")
    ticks = sorted({0, len(points) - 1, (len(points) - 1) // 2})
    axes.set_xticks(ticks, [points[i][0] for i in ticks], fontsize=7)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def build_content(
    session: Session, store: Any, settings: Settings, report: Report, schedule: ReportSchedule,
    start: datetime, end: datetime,
) -> ReportContent:
    """Export the attachment and compute totals and trend for [start, end); one chart only when the
    period has at least two days (a one-day trend says nothing)."""
    attachment = export_report(session, store, settings, report, start=start, end=end, file_type=schedule.file_type)
    # Only the totals and the per-day totals are needed here: one row of the page is enough.
    result = execute_report(session, store, report, start=start, end=end, page_size=1, with_daily_totals=True)
    totals = [
        (result.labels.get(key, key), _format(result.totals.get(key)))
        for key in result.columns
        if _is_number(result.totals.get(key))
    ]
    label, points = _trend(result)
    chart = trend_chart(label, points) if len(points) >= 2 else None
    return ReportContent(attachment=attachment, totals=totals, trend_label=label, trend=points, chart_png=chart)


def period_label(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    first = start.astimezone(zone).date()
    last = (end.astimezone(zone) - timedelta(microseconds=1)).date()
    return first.isoformat() if first >= last else f"{first.isoformat()} to {last.isoformat()}"


def message_id(occurrence: ScheduleOccurrence, recipient: str) -> str:
    """Stable per (occurrence, recipient): a receiver can recognise a duplicate of the same mail."""
    digest = hashlib.sha256(recipient.lower().encode()).hexdigest()[:12]
    return f"<occurrence-{occurrence.id}-{digest}@adplane.schedules>"


def build_message(
    settings: Settings, report: Report, schedule: ReportSchedule, occurrence: ScheduleOccurrence,
    content: ReportContent, recipient: str,
) -> EmailMessage:
    zone = ZoneInfo(report.timezone_name)
    period = period_label(occurrence.period_start, occurrence.period_end, zone)
    frequency = FREQUENCIES.get(schedule.delivery_frequency, "Scheduled")
    one, every = unsubscribe_urls(settings, ow_id=report.ow_id, report_id=report.id, email=recipient)
    subject = f"{report.name}: {frequency.lower()} report for {period}"
    text_lines = [
        f"{report.name}",
        f"Period: {period} ({report.timezone_name})",
        "",
        *(f"{label}: {value}" for label, value in content.totals),
        "",
        f"The full report is attached ({content.attachment.name}).",
        "",
        f"Stop receiving this report: {one}",
        f"Stop receiving all scheduled reports: {every}",
    ]
    rows = "".join(
        f"<tr><td style='padding:2px 12px 2px 0;color:#555'>{html.escape(label)}</td>"
        f"<td style='padding:2px 0;text-align:right'><b>{html.escape(value)}</b></td></tr>"
        for label, value in content.totals
    )
    chart = f"<p><img src='cid:{CHART_CID}' alt='Daily {html.escape(content.trend_label)}'></p>" \
        if content.chart_png else ""
    body = (
        "<html><body style='font-family:Arial,sans-serif;font-size:14px'>"
        f"<h2 style='margin-bottom:4px'>{html.escape(report.name)}</h2>"
        f"<p style='margin-top:0;color:#555'>{html.escape(period)} ({html.escape(report.timezone_name)})</p>"
        f"<table>{rows}</table>{chart}"
        f"<p>The full report is attached ({html.escape(content.attachment.name)}).</p>"
        f"<p style='font-size:12px;color:#777'><a href='{html.escape(one)}'>Unsubscribe from this report</a>"
        f" · <a href='{html.escape(every)}'>Unsubscribe from all scheduled reports</a></p>"
        "</body></html>"
    )
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", report.name).strip("_") or f"report-{report.id}"
    attachment_name = f"{safe_name}_{period.replace(' ', '_')}{content.attachment.suffix}"
    return compose(
        settings,
        to=recipient,
        subject=subject,
        text="\n".join(text_lines),
        html=body,
        inline_images={CHART_CID: content.chart_png} if content.chart_png else None,
        attachments=[(attachment_name, content.attachment.read_bytes(), _mime(content.attachment))],
        headers={"List-Unsubscribe": f"<{one}>", "X-Adplane-Occurrence": str(occurrence.id)},
        message_id=message_id(occurrence, recipient),
    )


def _mime(path: Path) -> str:
    if path.suffix.lower() == ".xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "text/csv" if path.suffix.lower() == ".csv" else "application/octet-stream"
