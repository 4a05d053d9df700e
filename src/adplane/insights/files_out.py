"""Report files out: signed download links and e-mail, only for ready reports."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adplane.core.errors import BadRequest, ValidationFailed
from adplane.core.settings import Settings
from adplane.files import service as files
from adplane.files.models import StoredFile
from adplane.insights.kinds import BY_KIND, CSV, LABEL, PDF, XLSX
from adplane.insights.models import STATUS_READY, InsightReport
from adplane.insights.service import get_report

UNSUPPORTED = "Unsupported file type provided. Please use fileType 1 for XLSX or 2 for CSV."
MAX_RECIPIENTS = 50


def _file_of(session: Session, ow_id: int, kind: str, report_id: int | None, id_field: str,
             file_type: int | None) -> tuple[InsightReport, StoredFile]:
    allowed = BY_KIND[kind].file_types
    if file_type is None or file_type not in allowed:
        raise BadRequest(UNSUPPORTED, field="fileType")
    if report_id is None:
        raise ValidationFailed(f"{id_field} is required.", field=id_field)
    report = get_report(session, ow_id, kind, report_id, id_field)
    if report.status_id != STATUS_READY:
        raise ValidationFailed(f"The provided {LABEL[kind]} ID: {report_id} is not in the ready state.",
                               field=id_field)
    file_id = {XLSX: report.xlsx_file_id, CSV: report.csv_file_id, PDF: report.pdf_file_id}[file_type]
    stored = session.get(StoredFile, file_id) if file_id else None
    if stored is None or stored.ow_id != ow_id:
        raise ValidationFailed(f"The provided {LABEL[kind]} ID: {report_id} has no such file.", field="fileType")
    return report, stored


def download_url(session: Session, settings: Settings, ow_id: int, kind: str, report_id: int | None,
                 id_field: str, file_type: int | None, base_url: str) -> str:
    _report, stored = _file_of(session, ow_id, kind, report_id, id_field, file_type)
    return files.signed_url(settings, stored, base_url)


def _recipients(emails: list[str] | None) -> list[str]:
    from email_validator import EmailNotValidError, validate_email

    if not emails:
        raise ValidationFailed("emailIds is required.", field="emailIds")
    if len(emails) > MAX_RECIPIENTS:
        raise ValidationFailed(f"At most {MAX_RECIPIENTS} recipients.", field="emailIds")
    out = []
    for raw in emails:
        try:
            out.append(validate_email(str(raw), check_deliverability=False).normalized)
        except EmailNotValidError:
            raise ValidationFailed(f"Invalid e-mail address: {raw}", field="emailIds") from None
    return list(dict.fromkeys(out))


def email_report(session: Session, settings: Settings, ow_id: int, kind: str, report_id: int | None,
                 id_field: str, file_type: int | None, emails: list[str] | None) -> str:
    """Send the report's file to the recipients; returns where it went ("smtp" or the outbox file)."""
    recipients = _recipients(emails)
    report, stored = _file_of(session, ow_id, kind, report_id, id_field, file_type)
    from adplane.mail import MailError, compose, send

    content = files.absolute_path(settings, stored).read_bytes()
    message = compose(
        settings, to=recipients, subject=f"{LABEL[kind]} Insights report: {report.name}",
        text=f"Attached is the {LABEL[kind]} Insights report \"{report.name}\".",
        attachments=[(stored.download_name, content, stored.content_type)],
    )
    try:
        return send(settings, message)
    except MailError as exc:
        raise BadRequest(f"The e-mail could not be sent: {exc}", field="emailIds") from exc
