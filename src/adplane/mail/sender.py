"""Deliver a message: SMTP (`ADPLANE_SMTP_URL`) or an .eml file in `<data dir>/outbox/`."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from adplane.core.settings import Settings

TRUE_WORDS = {"1", "true", "yes", "on"}


class MailError(Exception):
    """The message was not accepted (connection, TLS, login or recipient refused)."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False  # smtps://
    starttls: bool = False
    verify_tls: bool = True
    timeout_seconds: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """`smtp://[user[:pass]@]host[:port][?starttls=true&verify=false&timeout=30]` or `smtps://...`."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("ADPLANE_SMTP_URL must look like smtp://user:pass@host:587?starttls=true or smtps://...")
        query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
            starttls=not implicit and query.get("starttls", "false") in TRUE_WORDS,
            verify_tls=query.get("verify", "true") in TRUE_WORDS,
            timeout_seconds=float(query.get("timeout", "30")),
        )

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def send(settings: Settings, message: EmailMessage) -> str:
    """Send through SMTP when configured ("smtp"), else write the outbox file (its path)."""
    if settings.smtp_url:
        send_smtp(SmtpConfig.from_url(settings.smtp_url), message)
        return "smtp"
    return str(write_outbox(settings.data_dir / "outbox", message))


def send_smtp(config: SmtpConfig, message: EmailMessage) -> None:
    try:
        if config.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout_seconds, context=config.tls_context()
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        with client:
            if config.starttls:
                client.starttls(context=config.tls_context())
            if config.username:
                client.login(config.username, config.password or "")
            refused = client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc
    if refused:
        raise MailError(f"recipients refused: {sorted(refused)}")


def write_outbox(folder: Path, message: EmailMessage) -> Path:
    """Write atomically (temporary name, then rename) so a reader never sees half a message."""
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(message.as_bytes())
    final = folder / f"{name}.eml"
    temporary.rename(final)
    return final
