"""adplane.mail: SMTP on loopback (aiosmtpd), login, the outbox folder, URL parsing."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from adplane.core.settings import Settings
from adplane.mail import MailError, SmtpConfig, compose, send
from test_schedules_support import SmtpSink


def _settings(tmp_path: Path, smtp_url: str | None = None) -> Settings:
    return Settings(data_dir=tmp_path, smtp_url=smtp_url, secret_key="k", mail_from="Reports <r@example.com>")


def _message(settings: Settings, tmp_path: Path):
    attachment = tmp_path / "report.csv"
    attachment.write_text("a,b\n1,2\n")
    return compose(settings, to="someone@example.com", subject="Totals", text="plain words",
                   html="<p>html words <img src='cid:chart'></p>", inline_images={"chart": b"\x89PNG fake"},
                   attachments=[attachment], headers={"X-Test": "1"}, message_id="<fixed@adplane>")


def test_smtp_delivery_to_a_real_server(tmp_path):
    with SmtpSink() as sink:
        settings = _settings(tmp_path, sink.url)
        assert send(settings, _message(settings, tmp_path)) == "smtp"
    [received] = sink.messages
    assert received["To"] == "someone@example.com"
    assert received["Message-ID"] == "<fixed@adplane>"
    assert received.get_body(("plain",)).get_content().strip() == "plain words"
    assert "html words" in received.get_body(("html",)).get_content()
    parts = {part.get_content_type(): part for part in received.walk()}
    assert parts["image/png"]["Content-ID"] == "<chart>"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "report.csv"
    assert attachment.get_content() == "a,b\n1,2\n"


def test_outbox_when_no_smtp_is_configured(tmp_path):
    settings = _settings(tmp_path)
    path = Path(send(settings, _message(settings, tmp_path)))
    assert path.parent == tmp_path / "outbox" and path.suffix == ".eml"
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Totals"
    assert [p.get_filename() for p in parsed.iter_attachments()] == ["report.csv"]


class _Authenticator:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN204
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.seen.append((login, password))
        return AuthResult(success=(login, password) == ("user@x", "p@ss word"))


class _Keep:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_login_with_url_encoded_credentials_and_a_refused_login(tmp_path):
    port, auth, handler = _free_port(), _Authenticator(), _Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=auth,
                            auth_require_tls=False, auth_required=True)
    controller.start()
    try:
        settings = _settings(tmp_path, f"smtp://user%40x:p%40ss%20word@127.0.0.1:{port}")
        send(settings, _message(settings, tmp_path))
        assert handler.count == 1
        bad = _settings(tmp_path, f"smtp://user%40x:wrong@127.0.0.1:{port}?timeout=3")
        with pytest.raises(MailError):
            send(bad, _message(bad, tmp_path))
        assert handler.count == 1
    finally:
        controller.stop()


def test_an_unreachable_server_is_a_mail_error(tmp_path):
    settings = _settings(tmp_path, f"smtp://127.0.0.1:{_free_port()}?timeout=2")
    with pytest.raises(MailError):
        send(settings, _message(settings, tmp_path))


def test_smtp_urls():
    plain = SmtpConfig.from_url("smtp://mail.example.com")
    assert (plain.port, plain.starttls, plain.implicit_tls, plain.username) == (25, False, False, None)
    starttls = SmtpConfig.from_url("smtp://u:p@mail.example.com:587?starttls=true")
    assert (starttls.port, starttls.starttls, starttls.username, starttls.password) == (587, True, "u", "p")
    implicit = SmtpConfig.from_url("smtps://u:p@mail.example.com?verify=false")
    assert (implicit.port, implicit.implicit_tls, implicit.verify_tls) == (465, True, False)
    with pytest.raises(ValueError):
        SmtpConfig.from_url("http://mail.example.com")
