"""mail: compose and send e-mail over SMTP, or into the outbox folder when no SMTP is configured.

API (small on purpose):

- `compose(settings, to=..., subject=..., text=..., html=..., inline_images=..., attachments=...,
  headers=..., message_id=...) -> EmailMessage`: a multipart message (plain text, HTML with
  inline images referenced as `cid:<name>`, attachments).
- `send(settings, message) -> str`: delivers it through `ADPLANE_SMTP_URL`
  (`smtp://user:pass@host:587?starttls=true`, `smtps://user:pass@host:465`) or, with no SMTP
  configured, writes `<data dir>/outbox/<id>.eml`; returns "smtp" or the .eml path. Raises
  `MailError` when the server refuses or cannot be reached (callers retry). Each thread keeps its
  SMTP connection open between messages (checked with NOOP before reuse); `close_connections()`
  closes the calling thread's.
"""

from adplane.mail.compose import compose
from adplane.mail.sender import MailError, SmtpConfig, close_connections, send

__all__ = ["MailError", "SmtpConfig", "close_connections", "compose", "send"]
