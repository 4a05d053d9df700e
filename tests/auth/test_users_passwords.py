"""Passwords: reset by mail through a real SMTP server (single-use, expiring, stored hashed, the same answer
for unknown e-mails), the logged-in change with the old password (other sessions end), and the check of
the current password (throttled like login)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from adplane.auth.models import PasswordReset, User
from adplane.auth.password_reset import RESET_TTL_SECONDS, RESETS_PER_EMAIL_PER_HOUR
from adplane.core.clock import clock
from adplane.core.security import digest_secret, hash_password
from auth_helpers import client_headers
from conftest import PASSWORD
from test_schedules_support import SmtpSink
from types_contract import checked
from users_helpers import (
    CHANGE_PASSWORD,
    CURRENT_PASSWORD,
    RESET_MAIL,
    RESET_VALIDATE,
    UPDATE_PASSWORD,
    add_member,
    bearer,
    field_of,
    login_as,
    login_tokens,
    refresh,
    reset_token,
)

NEW = "Brand-New-Passw0rd!"
SENT = {"success": True, "data": "Email with reset password link sent successfully."}
INVALID_LINK = {
    "success": False,
    "data": {"invalidReason": "Reset password link either not valid or it is already processed.", "isValid": False},
    "errorObjects": [{"error": "Reset password link either not valid or it is already processed.",
                      "field": "resetHash"}],
}
GUIDE_HASH = ("8HQfsQcychjhvCmuuiFvVCIgqq9cJG/gh6HgmPZXxGE4od7a7tsMmh/O9+ia2Lw0FOelX3h8jTKJXR+0hUAkGXYA0cIITS13Bxy"
              "rWoeBmRTnWTKxHtS+Ff41POwt/yDMY2iHXUsG86ehmWeeIi3HNMikhH5yY6BvNFnEfxq3zIdiouD3Fp/loPO9qazxU1qxZvNOOv"
              "8FZEZTzORVnJ8+ADjyZ/Zjs1dNhSFE")


def _login_status(client, tenant, email: str, password: str) -> int:  # noqa: ANN001
    return client.post("/api/v3/ua/login", headers=client_headers(tenant),
                       json={"grantType": "password", "email": email, "password": password}).status_code


def _set_password(db, email: str, password: str) -> None:  # noqa: ANN001
    with db.session() as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        user.password_hash = hash_password(password)
        session.commit()


def _update_password(client, email: str, password: str, token: str | None, field: str = "resetHash") -> Any:  # noqa: ANN001
    body: dict[str, Any] = {"email": email, "password": password}
    if token is not None:
        body[field] = token
    return client.post(UPDATE_PASSWORD, json=body)


def test_reset_by_mail_through_smtp(client, db, settings, tenant):
    add_member(db, settings, tenant, "m@a.test")
    sessions = [login_tokens(client, tenant, "m@a.test") for _ in range(2)]
    settings.public_base_url = "https://ads.example.com"
    with SmtpSink() as sink:
        settings.smtp_url = sink.url
        assert checked(client, "POST", RESET_MAIL, json={"email": "M@a.test"}) == SENT
        # an e-mail that is no user gets the same answer, and nothing is sent
        assert client.post(RESET_MAIL, json={"email": "ghost@a.test"}).json() == SENT
        assert [m["To"] for m in sink.messages] == ["m@a.test"]
    mail = sink.messages[0]
    assert mail["Subject"] == "Reset your password"
    assert "https://ads.example.com/reset-password?resetHash=" in mail.get_body(("plain",)).get_content()
    token = reset_token(mail)
    with db.session() as session:
        stored = session.scalars(select(PasswordReset)).all()
    assert len(stored) == 1 and stored[0].token_digest == digest_secret(token) and token not in stored[0].token_digest

    valid = checked(client, "POST", RESET_VALIDATE, json={"resetHash": token})
    assert valid == {"success": True, "data": {"resetEmail": "m@a.test", "isValid": True}}
    # the token is for its own e-mail only; a weak password is refused and leaves the token usable
    assert _update_password(client, tenant["email"], NEW, token).json() == INVALID_LINK
    weak = _update_password(client, "m@a.test", "short", token)
    assert weak.status_code == 422 and field_of(weak) == "password"
    assert checked(client, "POST", UPDATE_PASSWORD, json={"email": "m@a.test", "password": NEW, "resetHash": token}) \
        == {"success": True, "data": "Password changed successfully."}
    # every session of the user is over; the new password works, the old one does not
    for session in sessions:
        assert client.get("/api/v3/ua/profile", headers=bearer(session["access_token"])).status_code == 401
        assert refresh(client, tenant, session["refresh_token"]).status_code == 401
    assert _login_status(client, tenant, "m@a.test", PASSWORD) == 403
    assert login_as(client, tenant, "m@a.test", NEW)
    # single use
    again = _update_password(client, "m@a.test", "Other-Passw0rd!", token)
    assert again.status_code == 403 and again.json() == INVALID_LINK
    used = client.post(RESET_VALIDATE, json={"resetHash": token})
    assert used.status_code == 403 and used.json()["data"]["isValid"] is False
    assert login_as(client, tenant, "m@a.test", NEW)


def test_reset_token_expires_and_a_newer_one_cancels_it(client, db, settings, tenant):
    add_member(db, settings, tenant, "m@a.test")
    with SmtpSink() as sink:
        settings.smtp_url = sink.url
        client.post(RESET_MAIL, json={"email": "m@a.test"})
        client.post(RESET_MAIL, json={"email": "m@a.test"})
        first, second = (reset_token(m) for m in sink.messages)
        assert first != second
        assert client.post(RESET_VALIDATE, json={"resetHash": first}).status_code == 403  # cancelled by the newer
        assert client.post(RESET_VALIDATE, json={"inviteHash": second}).json()["data"]["isValid"] is True
        clock.advance(timedelta(seconds=RESET_TTL_SECONDS + 1))
        expired = client.post(RESET_VALIDATE, json={"inviteHash": second})
        assert expired.status_code == 403 and field_of(expired) == "inviteHash"
        assert _update_password(client, "m@a.test", NEW, second).status_code == 403
        assert _login_status(client, tenant, "m@a.test", PASSWORD) == 200


def test_reset_requests_are_limited_per_email(client, db, settings, tenant):
    add_member(db, settings, tenant, "m@a.test")
    for _ in range(RESETS_PER_EMAIL_PER_HOUR):
        assert client.post(RESET_MAIL, json={"email": "m@a.test"}).status_code == 200
    limited = client.post(RESET_MAIL, json={"email": "m@a.test"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # unknown e-mails are counted alike, so a 429 tells nothing either
    for _ in range(RESETS_PER_EMAIL_PER_HOUR):
        client.post(RESET_MAIL, json={"email": "ghost@a.test"})
    assert client.post(RESET_MAIL, json={"email": "ghost@a.test"}).status_code == 429


def test_guide_examples_as_is(client, db, settings, tenant):
    """Reset Password Email, Validate Password Reset Hash and Change Password with the guide's samples."""
    add_member(db, settings, tenant, "kartik@iqm.com")
    assert client.post(RESET_MAIL, json={"email": "kartik@iqm.com"}).json() == SENT
    # the guide's hash, made a live reset token of kartik.g@iqm.com
    add_member(db, settings, tenant, "kartik.g@iqm.com")
    now = clock.now()
    with db.session() as session:
        user = session.scalar(select(User).where(User.email == "kartik.g@iqm.com"))
        assert user is not None
        session.add(PasswordReset(token_digest=digest_secret(GUIDE_HASH), user_id=user.id, email=user.email,
                                  created_at=now, expires_at=now + timedelta(hours=1)))
        session.commit()
    assert client.post(RESET_VALIDATE, json={"resetHash": GUIDE_HASH}).json() == {
        "success": True, "data": {"resetEmail": "kartik.g@iqm.com", "isValid": True}}
    # Change Password's sample carries no reset hash: the guide's 403 for a link that is not valid
    sample = client.post(UPDATE_PASSWORD, json={"email": "kartik.g@iqm.com", "password": "123456"})
    assert sample.status_code == 403
    assert sample.json()["data"] == {"invalidReason": "Reset password link either not valid or it is already "
                                     "processed.", "isValid": False}
    # with the hash, the sample's password meets the sign-up rules' 422 (naming the field) ...
    weak = _update_password(client, "kartik.g@iqm.com", "123456", GUIDE_HASH)
    assert weak.status_code == 422 and field_of(weak) == "password"
    # ... and a password that follows them is set
    assert _update_password(client, "kartik.g@iqm.com", NEW, GUIDE_HASH).json() == {
        "success": True, "data": "Password changed successfully."}
    unknown = client.post(RESET_VALIDATE, json={"resetHash": "nope"})
    assert unknown.status_code == 422
    assert unknown.json()["errorObjects"] == [{"error": "Provided reset password link hash is incorrect.",
                                               "field": "resetHash"}]


def test_change_password_with_the_old_one(client, db, settings, tenant):
    """POST /api/v3/ua/user/password/reset (the guide's Reset User Password)."""
    add_member(db, settings, tenant, "m@a.test")
    _set_password(db, "m@a.test", "123456")
    current = login_tokens(client, tenant, "m@a.test", "123456")
    other = login_tokens(client, tenant, "m@a.test", "123456")
    headers = bearer(current["access_token"], tenant["owId"])
    # the guide's sample as-is: its new password breaks the sign-up rules, named on newPassword; nothing changes
    sample = client.post(CHANGE_PASSWORD, headers=headers, json={"oldPassword": "123456", "newPassword": "123456789"})
    assert sample.status_code == 422 and field_of(sample) == "newPassword"
    wrong = client.post(CHANGE_PASSWORD, headers=headers, json={"oldPassword": "1234567", "newPassword": NEW})
    assert wrong.status_code == 422
    assert wrong.json()["errorObjects"] == [{"error": "Invalid old password.", "field": "oldPassword"}]
    assert _login_status(client, tenant, "m@a.test", "123456") == 200
    assert client.get("/api/v3/ua/profile", headers=bearer(other["access_token"])).status_code == 200

    changed = checked(client, "POST", CHANGE_PASSWORD, headers=headers,
                      json={"oldPassword": "123456", "newPassword": NEW})
    assert changed == {"success": True, "data": "Password reset successfully."}
    # this session goes on; the other ones end (access and refresh)
    assert client.get("/api/v3/ua/profile", headers=headers).status_code == 200
    assert refresh(client, tenant, current["refresh_token"]).status_code == 200
    assert client.get("/api/v3/ua/profile", headers=bearer(other["access_token"])).status_code == 401
    assert refresh(client, tenant, other["refresh_token"]).status_code == 401
    assert _login_status(client, tenant, "m@a.test", "123456") == 403
    assert _login_status(client, tenant, "m@a.test", NEW) == 200


def test_change_password_cancels_pending_reset_links(client, db, settings, tenant):
    add_member(db, settings, tenant, "m@a.test")
    with SmtpSink() as sink:
        settings.smtp_url = sink.url
        client.post(RESET_MAIL, json={"email": "m@a.test"})
    token = reset_token(sink.messages[0])
    headers = login_as(client, tenant, "m@a.test")
    assert client.post(CHANGE_PASSWORD, headers=headers,
                       json={"oldPassword": PASSWORD, "newPassword": NEW}).status_code == 200
    assert _update_password(client, "m@a.test", "Other-Passw0rd!", token).status_code == 403


def test_current_password_validate(client, db, settings, tenant, headers):
    assert checked(client, "POST", CURRENT_PASSWORD, headers=headers, json={"password": "userPassword"}) == {
        "success": True, "data": {"isValid": False}}
    assert client.post(CURRENT_PASSWORD, headers=headers, json={"password": "123456"}).json()["data"] == {
        "isValid": False}
    assert client.post(CURRENT_PASSWORD, headers=headers, json={"password": PASSWORD}).json()["data"] == {
        "isValid": True}
    # guesses count like failed logins of the account: past the limit, 429 (even for the right password)
    for _ in range(settings.login_max_failures_per_account):
        assert client.post(CURRENT_PASSWORD, headers=headers, json={"password": "guess"}).status_code == 200
    locked = client.post(CURRENT_PASSWORD, headers=headers, json={"password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert client.post(CURRENT_PASSWORD, json={"password": PASSWORD}).status_code == 401


def test_bad_password_input_is_422_naming_the_field(client, headers):
    cases: list[tuple[str, dict[str, Any], str, bool]] = [
        (RESET_MAIL, {}, "email", False),
        (RESET_MAIL, {"email": "not-an-email"}, "email", False),
        (RESET_MAIL, {"email": "a@b.test\r\nBcc: x@y.test"}, "email", False),
        (RESET_VALIDATE, {}, "resetHash", False),
        (RESET_VALIDATE, {"resetHash": ""}, "resetHash", False),
        (RESET_VALIDATE, {"resetHash": "x" * 501}, "resetHash", False),
        (UPDATE_PASSWORD, {"password": NEW, "resetHash": "x"}, "email", False),
        (UPDATE_PASSWORD, {"email": "a@b.test", "resetHash": "x"}, "password", False),
        (UPDATE_PASSWORD, {"email": "a@b.test", "password": NEW, "resetHash": 5}, "resetHash", False),
        (CHANGE_PASSWORD, {"newPassword": NEW}, "oldPassword", True),
        (CHANGE_PASSWORD, {"oldPassword": "x"}, "newPassword", True),
        (CHANGE_PASSWORD, {"oldPassword": "x", "newPassword": "x" * 1001}, "newPassword", True),
        (CURRENT_PASSWORD, {}, "password", True),
        (CURRENT_PASSWORD, {"password": ["x"]}, "password", True),
    ]
    for url, body, field, logged_in in cases:
        response = client.post(url, headers=headers if logged_in else {}, json=body)
        assert response.status_code == 422, (url, body, response.text)
        assert field_of(response) == field, (url, body, response.json())
    for url in (RESET_MAIL, RESET_VALIDATE, UPDATE_PASSWORD, CHANGE_PASSWORD, CURRENT_PASSWORD):
        assert client.post(url, headers=headers, content=b"[1,").status_code == 422
