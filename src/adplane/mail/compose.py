"""Build multipart e-mails: plain text + HTML (with inline images) + attachments."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from adplane.core.clock import utcnow
from adplane.core.settings import Settings

Attachment = Path | tuple[str, bytes, str]  # a file, or (file name, content, MIME type)


def _mime_type(name: str) -> tuple[str, str]:
    guessed, _ = mimetypes.guess_type(name)
    if name.lower().endswith(".xlsx"):
        guessed = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    maintype, _, subtype = (guessed or "application/octet-stream").partition("/")
    return maintype, subtype


def compose(
    settings: Settings,
    *,
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    inline_images: Mapping[str, bytes] | None = None,
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A message from `settings.mail_from`. `inline_images` maps a content id to PNG bytes; the
    HTML refers to each as `<img src="cid:NAME">`. A stable `message_id` lets receivers spot a
    duplicate of the same logical mail."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(utcnow().timestamp(), localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="adplane.local")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
        parts = message.get_payload()
        assert isinstance(parts, list) and isinstance(parts[-1], EmailMessage)
        html_part = parts[-1]
        for cid, png in (inline_images or {}).items():
            html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>", filename=f"{cid}.png")
    for attachment in attachments:
        if isinstance(attachment, Path):
            name, content = attachment.name, attachment.read_bytes()
            maintype, subtype = _mime_type(name)
        else:
            name, content, mime = attachment
            maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message
