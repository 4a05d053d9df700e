"""Signed unsubscribe links carried by every scheduled e-mail (no login needed to use them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer

from adplane.core.errors import ValidationFailed
from adplane.core.settings import Settings

SALT = "adplane.schedules.unsubscribe"
UNSUBSCRIBE_PATH = "/api/v3/ra/report/email/schedule/unsubscribe"
UNSUBSCRIBE_ALL_PATH = "/api/v3/ra/report/email/schedule/unsubscribe-all"


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.resolved_secret_key, salt=SALT)


def token_for(settings: Settings, *, ow_id: int, report_id: int, email: str) -> str:
    """Does not expire: a recipient must be able to opt out of any mail they still hold."""
    return _serializer(settings).dumps({"o": ow_id, "r": report_id, "e": email.lower()})


def read_token(settings: Settings, token: str) -> dict[str, Any]:
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        raise ValidationFailed("The unsubscribe link is invalid.", field="token") from None
    if not isinstance(payload, dict) or not {"o", "r", "e"} <= payload.keys():
        raise ValidationFailed("The unsubscribe link is invalid.", field="token")
    return payload


def unsubscribe_urls(settings: Settings, *, ow_id: int, report_id: int, email: str) -> tuple[str, str]:
    """(this report only, every report of the organization)."""
    query = urlencode({"token": token_for(settings, ow_id=ow_id, report_id=report_id, email=email)})
    base = settings.public_base_url.rstrip("/")
    return f"{base}{UNSUBSCRIBE_PATH}?{query}", f"{base}{UNSUBSCRIBE_ALL_PATH}?{query}"
