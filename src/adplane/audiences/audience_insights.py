"""Audience insights: who an audience's members are, from what adplane knows about them.

Computed from the members joined with
- the organization's impression and click events in the analytics store: each member's most frequent
  state, device type, age range and gender (`lookalike.profiles`; ties go to the lowest id). A member the
  organization never served is "Unknown". `nationalAvg(%)` is the value's share among every user the
  organization served (its whole served population, the baseline adplane has), `delta` the audience's
  share minus it; both are -1 for "Unknown", as IQM writes "not available".
- the identity store: how many members have a known e-mail, phone and device id (the summary table).

An insights report (POST insights/add) stores the widgets computed at that moment (status ready, or
failed with the reason); regenerating computes them again. Reading an audience's insights computes
them live. Downloads are XLSX (a sheet per widget) or PDF, sent by e-mail over SMTP on request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.audiences import catalog
from adplane.audiences import repository as repo
from adplane.audiences.derived_common import money
from adplane.audiences.lookalike import profiles
from adplane.audiences.models import Audience, AudienceInsight, AudienceMember, Identity
from adplane.core.clock import to_epoch_ms, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import BadRequest, NotFound, ValidationFailed
from adplane.core.listing import page_offset, parse_ids, parse_sort
from adplane.core.settings import Settings
from adplane.files import service as files
from adplane.master import catalog as master

STATUS_PROCESSING, STATUS_READY, STATUS_FAILED = 1, 2, 3
TYPE_AUDIENCE = 1  # IQM's insights type of audience insights
ELIGIBLE_STATUSES = (catalog.STATUS_READY, catalog.STATUS_PENDING)
HEALTHCARE_TYPES = (catalog.TYPE_ABM,)
HEALTHCARE_SUBTYPES = {3, 4, 5, 6}
FILE_KIND = "audience-insights"
MAX_RECIPIENTS = 15

def _namer(items: Mapping[int, Any]) -> Callable[[int], str]:
    return lambda i: str(items[i].name) if i in items else str(i)


# (widget title, event column, widget type, value → name)
DIMENSIONS = (
    ("state", "state_id", "geo", _namer(master.STATES_BY_ID)),
    ("deviceType", "device_type_id", "pie", _namer(master.DEVICE_TYPES_BY_ID)),
    ("age", "age_range_id", "pie", _namer(master.AGE_RANGES_BY_ID)),
    ("gender", "gender_id", "pie", _namer(master.GENDERS_BY_ID)),
)
SUMMARY_KINDS = (("Total Emails", catalog.KIND_EMAIL), ("Total Phones", catalog.KIND_PHONE),
                 ("Total Devices", catalog.KIND_DEVICE))


def _pct(part: int, whole: int) -> float:
    return round(part * 100 / whole, 2) if whole else 0.0


def identity_counts(session: Session, audience_id: int) -> dict[int, int]:
    """identifier kind → members having at least one identifier of that kind (in SQL)."""
    rows = session.execute(
        select(Identity.kind, func.count(func.distinct(Identity.user_id)))
        .join(AudienceMember, AudienceMember.user_id == Identity.user_id)
        .where(AudienceMember.audience_id == audience_id).group_by(Identity.kind))
    return {int(k): int(n) for k, n in rows}


def compute(session: Session, store: AnalyticsStore, audience: Audience) -> dict[str, Any]:
    """The widgets (IQM's audience-insights shape) of the audience's current members."""
    members = {int(u) for u in repo.member_ids(session, [audience.id])}
    total = len(members)
    known = identity_counts(session, audience.id)
    summary = [{"srNo": 1, "key": "Total People", "value": total}]
    summary += [{"srNo": n, "key": label, "value": known.get(kind, 0)}
                for n, (label, kind) in enumerate(SUMMARY_KINDS, start=2)]
    widgets: list[dict[str, Any]] = [{"title": "Audience Summary", "type": "table", "data": summary}]
    by_dim = profiles(store, audience.ow_id, [d[1] for d in DIMENSIONS])
    for title, column, kind, name_of in DIMENSIONS:
        values = by_dim[column]
        population = Counter(values.values())
        everyone = sum(population.values())
        inside = Counter(values[u] for u in members if u in values)
        unknown = total - sum(inside.values())
        rows: list[dict[str, Any]] = []
        for value, n in sorted(inside.items(), key=lambda kv: (name_of(kv[0]), kv[0])):
            share, national = _pct(n, total), _pct(population[value], everyone)
            rows.append({title: name_of(value), "audienceValue(Absolute)": str(n), "audienceValue(%)": share,
                         "nationalAvg(%)": national, "delta": round(share - national, 2)})
        if unknown:
            rows.append({title: "Unknown", "audienceValue(Absolute)": str(unknown),
                         "audienceValue(%)": _pct(unknown, total), "nationalAvg(%)": -1, "delta": -1})
        widgets.append({"title": title, "type": kind,
                        "data": [{"srNo": i, **row} for i, row in enumerate(rows, start=1)]})
    return {"widgets": widgets, "computedAt": to_epoch_ms(utcnow())}


def _vertical(audience: Audience) -> tuple[str, str]:
    healthcare = audience.type_id in HEALTHCARE_TYPES or audience.subtype_id in HEALTHCARE_SUBTYPES
    return ("2", "Healthcare") if healthcare else ("1", "Political")


def _eligible(audience: Audience) -> bool:
    return audience.status_id in ELIGIBLE_STATUSES


def wire(audience: Audience, content: dict[str, Any], *, guide: bool) -> dict[str, Any]:
    """The spec's camelCase shape, or the guide's (snake keys, `Sr no.` / `Key` / `Audience Value`)."""
    vertical_id, vertical = _vertical(audience)
    widgets = content.get("widgets", [])
    if guide:
        out_widgets = []
        for widget in widgets:
            rows = []
            for row in widget["data"]:
                key = row.get("key") or next((row[k] for k in row if k not in (
                    "srNo", "audienceValue(Absolute)", "audienceValue(%)", "nationalAvg(%)", "delta", "value")), "")
                value = row.get("value", row.get("audienceValue(Absolute)"))
                rows.append({"Sr no.": row["srNo"], "Key": key,
                             "Audience Value": f"{int(value):,}" if str(value).isdigit() else str(value)})
            out_widgets.append({"title": widget["title"], "type": widget["type"], "data": rows})
        return {"audience_id": str(audience.id), "audience_name": audience.name,
                "audience_date": audience.created_at.date().isoformat(), "vertical_id": vertical_id,
                "vertical": vertical, "widgets": out_widgets}
    return {"audienceId": str(audience.id), "audienceName": audience.name,
            "audienceDate": audience.created_at.date().isoformat(), "verticalId": vertical_id, "vertical": vertical,
            "widgets": widgets}


def live(session: Session, store: AnalyticsStore, principal: Principal, audience_id: int, *,
         guide: bool) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id)
    if not _eligible(audience):
        raise ValidationFailed("Insights are available for ready audiences only.", field="audienceId")
    return wire(audience, compute(session, store, audience), guide=guide)


# ------------------------------------------------------------------------------- insights reports

def _row(insight: AudienceInsight, audience: Audience) -> dict[str, Any]:
    return {"id": insight.id, "typeId": TYPE_AUDIENCE, "statusId": insight.status_id, "sourceName": audience.name,
            "name": insight.name, "sourceId": audience.id, "createdAt": to_epoch_ms(insight.created_at) or 0}


def _fill(session: Session, store: AnalyticsStore, insight: AudienceInsight, audience: Audience) -> None:
    try:
        insight.content = compute(session, store, audience)
        insight.status_id, insight.failure_reason = STATUS_READY, None
    except Exception as exc:  # noqa: BLE001 - a failed computation is recorded on the report, not a 500
        insight.content, insight.status_id = {}, STATUS_FAILED
        insight.failure_reason = f"Computing the insights failed: {type(exc).__name__}"


def add(session: Session, store: AnalyticsStore, principal: Principal, raw_ids: str | None) -> dict[str, Any]:
    """One report per eligible audience (ready or pending approval); the others are `invalidSourceIds`.
    Ids of another organization are 404, like unknown ones."""
    if not raw_ids or not raw_ids.strip():
        raise ValidationFailed("No Audience ids provided", field="audienceIds")
    ids = parse_ids(raw_ids, "audienceIds", required=True)
    found = {a.id: a for a in session.scalars(select(Audience).where(Audience.ow_id == principal.ow_id,
                                                                      Audience.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Audience not found: {', '.join(map(str, missing[:10]))}.", field="audienceIds")
    invalid = [i for i in ids if not _eligible(found[i])]
    rows = []
    for audience_id in ids:
        if audience_id in invalid:
            continue
        audience = found[audience_id]
        insight = AudienceInsight(ow_id=principal.ow_id, audience_id=audience.id,
                                  name=f"{audience.name}_insights"[:300], status_id=STATUS_PROCESSING,
                                  created_by_user_id=principal.user_id)
        session.add(insight)
        _fill(session, store, insight, audience)
        session.flush()
        rows.append(_row(insight, audience))
    session.commit()
    return {"invalidSourceIds": invalid, "insightsData": rows}


def _insight(session: Session, ow_id: int, insight_id: int, field: str = "insightsId") -> AudienceInsight:
    insight = session.scalar(select(AudienceInsight).where(AudienceInsight.id == insight_id,
                                                           AudienceInsight.ow_id == ow_id))
    if insight is None:
        raise NotFound("Insights not found.", field=field)
    return insight


def regenerate(session: Session, store: AnalyticsStore, principal: Principal, insight_id: int) -> str:
    insight = _insight(session, principal.ow_id, insight_id)
    audience = repo.get(session, principal.ow_id, insight.audience_id)
    _fill(session, store, insight, audience)
    session.commit()
    return "Insights regenerated successfully." if insight.status_id == STATUS_READY else \
        "Insights regeneration failed."


def latest_content(session: Session, store: AnalyticsStore, principal: Principal, audience_id: int) -> tuple[
        Audience, dict[str, Any]]:
    """The audience and its newest ready report's widgets (computed now when it has none)."""
    audience = repo.get(session, principal.ow_id, audience_id)
    insight = session.scalar(select(AudienceInsight).where(
        AudienceInsight.ow_id == principal.ow_id, AudienceInsight.audience_id == audience.id,
        AudienceInsight.status_id == STATUS_READY).order_by(AudienceInsight.id.desc()).limit(1))
    if insight is not None:
        return audience, insight.content
    if not _eligible(audience):
        raise ValidationFailed("Please provide valid audience id value.", field="audienceId")
    return audience, compute(session, store, audience)


# ------------------------------------------------------------------------------------------ files

def _table(widget: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    columns = list(dict.fromkeys(k for row in widget["data"] for k in row))
    return columns, [[row.get(c) for c in columns] for row in widget["data"]]


def write_xlsx(audience: Audience, content: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for widget in content.get("widgets", []):
        sheet = book.create_sheet(title=str(widget["title"])[:31])
        columns, rows = _table(widget)
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
    book.save(path)


def write_pdf(audience: Audience, content: dict[str, Any], path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(f"Audience insights: {audience.name}", styles["Title"]),
                        Paragraph(f"Audience {audience.id}, {date.today().isoformat()}", styles["Normal"])]
    for widget in content.get("widgets", []):
        story += [Spacer(1, 12), Paragraph(str(widget["title"]), styles["Heading2"])]
        columns, rows = _table(widget)
        if rows:
            grid = PdfTable([columns, *[[("" if v is None else str(v)) for v in r] for r in rows]])
            grid.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
            story.append(grid)
    SimpleDocTemplate(str(path), pagesize=letter).build(story)


def _file_type(raw: str | None, field: str) -> str:
    value = (raw or "").strip().lower()
    if value not in ("xlsx", "pdf"):
        raise ValidationFailed(f"{field} must be xlsx or pdf.", field=field)
    return value


def write_file(session: Session, settings: Settings, audience: Audience, content: dict[str, Any],
               file_type: str) -> files.StoredFile:
    path = files.new_file_path(settings, FILE_KIND, audience.ow_id, f".{file_type}")
    with files.written_atomically(path) as partial:
        (write_xlsx if file_type == "xlsx" else write_pdf)(audience, content, partial)
    name = f"{audience.name[:100]}-insights.{file_type}".replace("/", "-")
    return files.register(session, settings, ow_id=audience.ow_id, path=path, download_name=name, kind=FILE_KIND)


def download(session: Session, settings: Settings, store: AnalyticsStore, principal: Principal, audience_id: int,
             file_type: str | None) -> dict[str, str]:
    kind = _file_type(file_type, "fileType")
    audience, content = latest_content(session, store, principal, audience_id)
    stored = write_file(session, settings, audience, content, kind)
    session.commit()
    return {"insightsReportUrl": files.signed_url(settings, stored, settings.public_base_url)}


def _recipients(raw: str | None) -> list[str]:
    from email_validator import EmailNotValidError, validate_email

    emails = [e.strip() for e in (raw or "").split(",") if e.strip()]
    if not emails:
        raise ValidationFailed("recipientEmails is required.", field="recipientEmails")
    if len(emails) > MAX_RECIPIENTS:
        raise ValidationFailed(f"At most {MAX_RECIPIENTS} recipients.", field="recipientEmails")
    out = []
    for email in emails:
        try:
            out.append(validate_email(email, check_deliverability=False).normalized)
        except EmailNotValidError:
            raise ValidationFailed(f"Invalid e-mail address: {email}", field="recipientEmails") from None
    return list(dict.fromkeys(out))


def send_email(session: Session, settings: Settings, store: AnalyticsStore, principal: Principal, insight_id: int,
               audience_id: int, attachment_type: str | None, recipients: str | None) -> str:
    from adplane.mail import MailError, compose, send

    kind = _file_type(attachment_type, "attachmentType")
    to = _recipients(recipients)
    insight = _insight(session, principal.ow_id, insight_id, field="id")
    if insight.audience_id != audience_id:
        raise ValidationFailed("Please provide valid audience id value.", field="audienceId")
    if insight.status_id != STATUS_READY:
        raise ValidationFailed("The insights report is not ready.", field="id")
    audience = repo.get(session, principal.ow_id, audience_id)
    path = files.new_file_path(settings, FILE_KIND, audience.ow_id, f".{kind}")
    with files.written_atomically(path) as partial:
        (write_xlsx if kind == "xlsx" else write_pdf)(audience, insight.content, partial)
    try:
        message = compose(settings, to=to, subject=f"Audience insights: {insight.name}",
                          text=f"Attached are the insights of the audience \"{audience.name}\".",
                          attachments=[(f"{insight.name[:100]}.{kind}".replace("/", "-"), path.read_bytes(),
                                        files.CONTENT_TYPES.get(f".{kind}", "application/octet-stream"))])
        send(settings, message)
    except MailError as exc:
        raise BadRequest(f"The e-mail could not be sent: {exc}", field="recipientEmails") from exc
    finally:
        path.unlink(missing_ok=True)
    return f"{insight.name} {kind} email sent successfully."


# ----------------------------------------------------------------------- /api/v3/ins/audience...

MIN_ELIGIBLE_UNIQUES = 10_000  # IQM: matched audiences with at least 10k uniques
ELIGIBLE_SORT = {"id": Audience.id, "name": Audience.name, "uniques": Audience.reach, "matchRate": None}


def eligible_list(session: Session, principal: Principal, *, search: str | None, page_size: int | None,
                  page_no: int | None, sort_by: str | None, min_uniques: int = MIN_ELIGIBLE_UNIQUES) -> dict[str, Any]:
    """Matched audiences (ready) with at least 10,000 uniques, as IQM lists those eligible for insights."""
    order = parse_sort(sort_by, {k: k for k in ELIGIBLE_SORT}, "-id")
    base = repo.filtered(principal.ow_id, type_ids=[catalog.TYPE_MATCHED], status_ids=[catalog.STATUS_READY]) \
        .where(Audience.reach >= min_uniques)
    total = repo.count(session, base)
    stmt = repo.filtered(principal.ow_id, type_ids=[catalog.TYPE_MATCHED], status_ids=[catalog.STATUS_READY],
                         search=[search.strip()] if search and search.strip() else []) \
        .where(Audience.reach >= min_uniques)
    filtered = repo.count(session, stmt)
    rate = (Audience.matched_rows * 100.0 / func.nullif(Audience.file_row_count, 0))
    columns = {"id": Audience.id, "name": func.lower(Audience.name), "uniques": Audience.reach,
               "matchRate": func.coalesce(rate, 0)}
    for key, desc in order:
        stmt = stmt.order_by(columns[key].desc() if desc else columns[key].asc())
    stmt = stmt.order_by(Audience.id.desc())
    offset, limit = page_offset(page_no or 1, page_size or 20)
    rows = list(session.scalars(stmt.offset(offset).limit(limit)))
    return {"totalRecords": total, "filteredRecords": filtered, "insightsData": [
        {"id": a.id, "audienceName": a.name, "matchRate": _match_rate(a), "uniques": a.reach} for a in rows]}


def _match_rate(audience: Audience) -> float:
    return round(audience.matched_rows * 100 / audience.file_row_count, 2) if audience.file_row_count else 0.0


def matched_details(session: Session, store: AnalyticsStore, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_MATCHED:
        raise ValidationFailed("The audience is not a matched audience.", field="audienceId")
    newest = session.scalar(select(AudienceInsight).where(AudienceInsight.audience_id == audience.id,
                                                          AudienceInsight.ow_id == principal.ow_id)
                            .order_by(AudienceInsight.id.desc()).limit(1))
    out: dict[str, Any] = {"id": audience.id, "audienceName": audience.name, "matchRate": _match_rate(audience),
                           "uniques": audience.reach, "fileTotalCount": audience.file_row_count,
                           "statusId": audience.status_id, "dataCost": money(audience.data_cost)}
    if newest is not None:
        out.update(insightsId=newest.id, insightsStatusId=newest.status_id,
                   widgets=newest.content.get("widgets", []) if newest.status_id == STATUS_READY else [])
    elif _eligible(audience):
        out["widgets"] = compute(session, store, audience)["widgets"]
    return out
