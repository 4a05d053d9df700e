"""The sign-up password rules of seed 000."""

from __future__ import annotations

from adplane.core.errors import ValidationFailed

RULES: list[tuple[str, str]] = [
    ("length", "Password must be at least 8 characters in length"),
    ("upper", "Password must contain at least 1 uppercase letter"),
    ("lower", "Password must contain at least 1 lowercase letter"),
    ("special", "Password must contain at least 1 special character"),
]


def broken_rules(password: str) -> list[str]:
    failed = []
    if len(password) < 8:
        failed.append(RULES[0][1])
    if not any(c.isupper() for c in password):
        failed.append(RULES[1][1])
    if not any(c.islower() for c in password):
        failed.append(RULES[2][1])
    if not any(not c.isalnum() and not c.isspace() for c in password):
        failed.append(RULES[3][1])
    return failed


def enforce(password: str, field: str = "password") -> None:
    failed = broken_rules(password)
    if failed:
        raise ValidationFailed(failed[0], errors=[{"error": msg, "field": field} for msg in failed])
