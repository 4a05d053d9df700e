"""Password hashing (argon2) and hashing of high-entropy secrets (tokens, client secrets).

Tokens and client secrets are random 122+ bit values, so a fast SHA-256 digest is enough to
make a stolen table useless while keeping per-request lookups cheap; argon2 is for passwords,
which people choose.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


def password_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: t=3, m=64 MiB, p=4)."""
    return PasswordHasher()


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_hasher = password_hasher()
# A real hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("adplane-dummy-password")
# As many argon2 computations at a time as there are cores; the rest wait their turn. A burst of logins on
# every thread of the pool at once took 64 MiB each and ran slower in all than one after the other per core
# (50 connections, 2 cores: 5.5 logins/s against 10.8 for the bare app, which hashes on its event loop).
ARGON2_SLOTS = _usable_cores()
_argon2_slots = threading.BoundedSemaphore(ARGON2_SLOTS)


def hash_password(password: str) -> str:
    with _argon2_slots:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        with _argon2_slots:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def digest_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def secret_matches(stored_digest: str, presented: str) -> bool:
    return hmac.compare_digest(stored_digest, digest_secret(presented))


def new_token() -> str:
    """IQM tokens look like UUIDs (seed 001); uuid4 carries 122 random bits."""
    return str(uuid.uuid4())


def new_client_id() -> str:
    return secrets.token_hex(12)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)
