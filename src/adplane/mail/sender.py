"""Deliver a message: SMTP (`ADPLANE_SMTP_URL`) or an .eml file in `<data dir>/outbox/`."""

from __future__ import annotations

import smtplib
import ssl
import threading
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


_connections = threading.local()


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.implicit_tls:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout_seconds, context=config.tls_context()
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
    if config.starttls:
        client.starttls(context=config.tls_context())
    if config.username:
        client.login(config.username, config.password or "")
    return client


def _reusable(config: SmtpConfig) -> smtplib.SMTP | None:
    """This thread's open connection to the same server, if it still answers NOOP."""
    cached = getattr(_connections, "entry", None)
    if cached is None:
        return None
    cached_config, client = cached
    if cached_config == config:
        try:
            if client.noop()[0] == 250:
                return client
        except (smtplib.SMTPException, OSError):
            pass
    close_connections()
    return None


def close_connections() -> None:
    """Close this thread's cached SMTP connection (workers call it when they stop)."""
    cached = getattr(_connections, "entry", None)
    _connections.entry = None
    if cached is not None:
        try:
            cached[1].quit()
        except (smtplib.SMTPException, OSError):
            cached[1].close()


def send_smtp(config: SmtpConfig, message: EmailMessage) -> None:
    """Send over this thread's cached connection (checked with NOOP first, so a stale one is
    replaced before anything is sent: a message is never retried after its DATA began)."""
    try:
        client = _reusable(config)
        if client is None:
            client = _connect(config)
            _connections.entry = (config, client)
        refused = client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        close_connections()
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
