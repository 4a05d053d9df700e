"""Password reset by mail: POST /api/v3/ua/user/reset-password mails a single-use, expiring token (IQM's
`resetHash`), /reset-password/validate tells whether it still works, and /update-password sets the new
password with it.

As with invitations (`adplane.auth.invitations`), the token is `secrets.token_urlsafe(32)`, stored only
as its SHA-256 digest, consumed by one conditional UPDATE (so it works once under parallel use), and a
newer request cancels the older ones. The request answers the same whether or not the e-mail is a user,
and the mail goes out after the answer, so neither the answer nor its timing tells which e-mails exist.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlencode

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adplane.auth import repository as repo
from adplane.auth import throttle
from adplane.auth.models import PasswordReset, User
from adplane.auth.passwords import enforce as enforce_password_rules
from adplane.core.clock import as_utc, utcnow
from adplane.core.errors import ApiError, ValidationFailed
from adplane.core.security import digest_secret, hash_password
from adplane.core.settings import Settings

log = structlog.get_logger("adplane.auth")

RESET_TTL_SECONDS = 3600
RESETS_PER_EMAIL_PER_HOUR = 5
RESET_PATH = "/reset-password"  # the front end's page; it posts the hash to /api/v3/ua/user/update-password
MAIL_SENT = "Email with reset password link sent successfully."
PASSWORD_CHANGED = "Password changed successfully."
INVALID_LINK = "Reset password link either not valid or it is already processed."
INCORRECT_HASH = "Provided reset password link hash is incorrect."


class ResetLinkInvalid(ApiError):
    """IQM's 403 for a used, expired or cancelled reset link, with `{"invalidReason", "isValid": false}`."""

    status_code = 403


def invalid_link(field: str) -> ResetLinkInvalid:
    return ResetLinkInvalid(INVALID_LINK, field=field, data={"invalidReason": INVALID_LINK, "isValid": False})


def request_reset(session: Session, settings: Settings, email: str, address: str) -> EmailMessage | None:
    """Create a reset token for a user with a password and return the mail to send after answering;
    None (and the same answer) for an unknown e-mail or an invitee who has no password yet. Limited per
    client address and per e-mail, so the endpoint cannot be used to flood a mailbox."""
    email = email.strip().lower()
    throttle.reserve(session, _rules(settings, email, address))
    user = repo.user_by_email(session, email)
    if user is None or user.password_hash is None:
        return None
    now = utcnow()
    cancel_pending(session, user.id)
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(token_digest=digest_secret(token), user_id=user.id, email=user.email, created_at=now,
                          expires_at=now + timedelta(seconds=RESET_TTL_SECONDS))
    session.add(reset)
    session.commit()
    return _message(settings, reset, token)


def _rules(settings: Settings, email: str, address: str) -> list[throttle.Rule]:
    too_many = "Too many password reset requests. Try again later."
    window = settings.login_failure_window_seconds
    email_key = hashlib.sha256(email.encode()).hexdigest()[:40]
    return [
        throttle.Rule(f"reset-address:{address}", settings.login_max_failures_per_address, window, window,
                      message=too_many),
        throttle.Rule(f"reset-email:{email_key}", RESETS_PER_EMAIL_PER_HOUR, 3600, 3600, message=too_many),
    ]


def cancel_pending(session: Session, user_id: int) -> None:
    """Cancel the user's reset links not used yet (a newer request, or a password changed another way);
    the caller commits."""
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None),
               PasswordReset.cancelled_at.is_(None))
        .values(cancelled_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def link(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}{RESET_PATH}?{urlencode({'resetHash': token})}"


def _message(settings: Settings, reset: PasswordReset, token: str) -> EmailMessage:
    from adplane.mail.compose import compose

    expiry = as_utc(reset.expires_at).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        "Someone asked to reset the password of this account.\n\n"
        f"Choose a new password here: {link(settings, token)}\n\n"
        "Or through the API: POST /api/v3/ua/user/update-password with your e-mail, the new password and\n"
        f"\"resetHash\": \"{token}\"\n\n"
        f"The link can be used once and expires on {expiry}. If you did not ask for it, ignore this mail:\n"
        "your password stays as it is.\n"
    )
    return compose(settings, to=reset.email, subject="Reset your password", text=text)


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Send the reset mail (after the answer went out); a failure is logged, without the token."""
    from adplane.mail.sender import MailError, send

    try:
        send(settings, message)
    except MailError as exc:
        log.warning("password_reset_mail_not_sent", error=str(exc))


def _find(session: Session, token: str) -> PasswordReset | None:
    return session.scalar(select(PasswordReset).where(PasswordReset.token_digest == digest_secret(token)))


def _usable(reset: PasswordReset) -> bool:
    return reset.used_at is None and reset.cancelled_at is None and as_utc(reset.expires_at) > utcnow()


def validate(session: Session, token: str | None, field: str) -> dict[str, object]:
    """POST /api/v3/ua/user/reset-password/validate: 422 for an unknown hash, 403 for one that no longer works."""
    if not token:
        raise ValidationFailed(f"{field} is required.", field=field)
    reset = _find(session, token)
    if reset is None:
        raise ValidationFailed(INCORRECT_HASH, field=field)
    if not _usable(reset):
        raise invalid_link(field)
    return {"resetEmail": reset.email, "isValid": True}


def complete(session: Session, token: str | None, field: str, email: str, password: str) -> str:
    """Set the password with a reset token (for the token's own e-mail): the token is consumed and every
    token pair of the user revoked. A bad password (sign-up rules) is a 422 that leaves the token usable."""
    reset = _find(session, token) if token else None
    if reset is None or not _usable(reset) or reset.email != email.strip().lower():
        raise invalid_link(field)
    enforce_password_rules(password)
    claimed = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None), PasswordReset.cancelled_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()  # a parallel use of the same token won
        raise invalid_link(field)
    user = session.get(User, reset.user_id)
    assert user is not None
    user.password_hash = hash_password(password)
    repo.revoke_tokens(session, user.id)
    session.commit()
    return PASSWORD_CHANGED
