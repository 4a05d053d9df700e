"""Signed, expiring download URLs for generated files (reports, insights).

A URL carries the file's id and an expiry, signed with the server's key (itsdangerous). It works
without a bearer token until it expires; any change to it is refused.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from adplane.core.clock import utcnow
from adplane.core.errors import Forbidden, NotFound

SALT = "adplane.files.download"


def _serializer(secret_key: str, salt: str = SALT) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=salt)


def sign(secret_key: str, payload: dict[str, Any], ttl_seconds: int, salt: str = SALT) -> str:
    expires = int(utcnow().timestamp()) + ttl_seconds
    return _serializer(secret_key, salt).dumps({**payload, "exp": expires})


def verify(secret_key: str, token: str, salt: str = SALT) -> dict[str, Any]:
    try:
        payload = _serializer(secret_key, salt).loads(token)
    except BadSignature:
        raise Forbidden("The link is invalid.") from None
    if not isinstance(payload, dict) or int(payload.get("exp", 0)) < int(utcnow().timestamp()):
        raise NotFound("The link has expired.")
    return payload
