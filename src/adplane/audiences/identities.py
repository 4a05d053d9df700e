"""The identity store: known identifiers (e-mails, phones, device ids, NPIs) → the user key the
delivery simulator and ingested events carry (`user_id`).

Identifiers are normalised the way matched-audience uploads are (`normalise`) and kept only as
digests (SHA-256, SHA-1, MD5 of the normalised UTF-8 text), so an upload in any of those formats
finds them and no plain value is stored. The simulator fills the store for the users it generates
(`seed_simulated_users`: deterministic synthetic identifiers per user, `synthetic_identifiers`
tells a test which ones), ingestion adds identifiers for its own users (`ingest`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adplane.audiences import catalog
from adplane.audiences.models import Identity
from adplane.core.npi import is_valid_npi

SIMULATED_USERS = 5_000_000  # the simulator draws user ids 1..this (adplane.events.generator)

_NON_DIGITS = re.compile(r"\D+")
_HEX = re.compile(r"^[0-9a-f]+$")
_DIGEST_HEX_LENGTH = {catalog.FORMAT_MD5: 32, catalog.FORMAT_SHA1: 40, catalog.FORMAT_SHA256: 64}
DIGEST_COLUMN = {catalog.FORMAT_MD5: "md5", catalog.FORMAT_SHA1: "sha1", catalog.FORMAT_SHA256: "sha256",
                 catalog.FORMAT_RAW: "sha256"}


def normalise(kind: int, raw: str) -> str | None:
    """The canonical text of a plain identifier, or None when it is not one.

    E-mail: trimmed, lower case, must hold one '@'. Phone: digits only, a 10-digit US number gets
    its country code 1 (so 555-010-1234, (555) 010 1234 and +1 555 010 1234 are one phone).
    Device id: trimmed, lower case (IDFA/AAID UUIDs are case-insensitive). NPI: ten digits with a
    valid check digit."""
    value = raw.strip()
    if not value:
        return None
    if kind == catalog.KIND_EMAIL:
        value = value.lower()
        return value if value.count("@") == 1 and not value.startswith("@") and not value.endswith("@") else None
    if kind == catalog.KIND_PHONE:
        digits = _NON_DIGITS.sub("", value)
        if len(digits) == 10:
            digits = "1" + digits
        return digits if 11 <= len(digits) <= 15 else None
    if kind == catalog.KIND_DEVICE:
        value = value.lower()
        return value if 8 <= len(value) <= 64 else None
    if kind == catalog.KIND_NPI:
        digits = _NON_DIGITS.sub("", value)
        return digits if is_valid_npi(digits) else None
    raise ValueError(f"unknown identity kind {kind}")


def sha256_hex(kind: int, raw: str) -> str | None:
    """What IQM asks uploaders to send for a hashed column: SHA-256 of the normalised value, hex."""
    canonical = normalise(kind, raw)
    return hashlib.sha256(canonical.encode()).hexdigest() if canonical is not None else None


def digest_of(kind: int, data_format: int, raw: str) -> bytes | None:
    """The digest to look `raw` up by: SHA-256 of the normalised plain value, or the uploaded
    hash itself (hex, any case) for hashed formats; None when the cell holds neither."""
    if data_format == catalog.FORMAT_RAW:
        canonical = normalise(kind, raw)
        return hashlib.sha256(canonical.encode()).digest() if canonical is not None else None
    value = raw.strip().lower()
    if len(value) != _DIGEST_HEX_LENGTH[data_format] or not _HEX.match(value):
        return None
    return bytes.fromhex(value)


@dataclass(frozen=True)
class Digests:
    sha256: bytes
    sha1: bytes
    md5: bytes


def digests(canonical: str) -> Digests:
    data = canonical.encode()
    return Digests(hashlib.sha256(data).digest(), hashlib.sha1(data).digest(),  # noqa: S324 - a lookup key
                   hashlib.md5(data).digest())  # noqa: S324 - IQM accepts MD5-hashed uploads


# ------------------------------------------------------------------------------ the simulator's users

_FIRST = ("james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "david", "susan",
          "maria", "jose", "wei", "aisha", "noah", "olivia", "liam", "emma", "ava", "lucas")
_LAST = ("smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
         "lee", "nguyen", "patel", "kim", "clark", "lewis", "walker", "hall", "young", "allen")
_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "example.net")
# Share of simulated users with each identifier (per mille): most have a device id, fewer a phone.
COVERAGE = {catalog.KIND_EMAIL: 700, catalog.KIND_PHONE: 550, catalog.KIND_DEVICE: 900}


def _h(seed: int, user_id: int, salt: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}:{user_id}:{salt}".encode(), digest_size=8).digest(), "big")


def synthetic_identifiers(user_id: int, seed: int = 0) -> dict[int, str]:
    """The plain identifiers the simulator gives user `user_id` (deterministic; some users lack some)."""
    out: dict[int, str] = {}
    if _h(seed, user_id, "e") % 1000 < COVERAGE[catalog.KIND_EMAIL]:
        pick = _h(seed, user_id, "name")
        out[catalog.KIND_EMAIL] = (f"{_FIRST[pick % len(_FIRST)]}.{_LAST[(pick >> 8) % len(_LAST)]}{user_id}"
                                   f"@{_DOMAINS[(pick >> 16) % len(_DOMAINS)]}")
    if _h(seed, user_id, "p") % 1000 < COVERAGE[catalog.KIND_PHONE]:
        number = _h(seed, user_id, "phone")
        out[catalog.KIND_PHONE] = f"1{200 + number % 800:03d}{number // 800 % 10_000_000:07d}"
    if _h(seed, user_id, "d") % 1000 < COVERAGE[catalog.KIND_DEVICE]:
        raw = hashlib.blake2b(f"{seed}:{user_id}:maid".encode(), digest_size=16).hexdigest()
        out[catalog.KIND_DEVICE] = f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
    return out


def npi_user_id(npi: str) -> int:
    """The user key of a prescriber's own device (within the simulator's user range)."""
    return _h(0, int(npi), "npi") % SIMULATED_USERS + 1


# ------------------------------------------------------------------------------------- writes

@dataclass(frozen=True)
class IdentityRow:
    kind: int
    canonical: str
    user_id: int


def _rows(items: Iterable[IdentityRow], source: str) -> Iterator[dict]:
    for item in items:
        d = digests(item.canonical)
        yield {"kind": item.kind, "sha256": d.sha256, "sha1": d.sha1, "md5": d.md5, "user_id": item.user_id,
               "source": source}


def _insert_ignoring_known(session: Session, rows: list[dict]) -> int:
    """Insert identities; one already known (same kind and digest) keeps its user. Returns rows added."""
    if not rows:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Identity).on_conflict_do_nothing(index_elements=["kind", "sha256"])
    result = session.connection().execute(stmt, rows)
    return max(result.rowcount or 0, 0)


def store(session: Session, items: Iterable[IdentityRow], *, source: str, chunk: int = 5000) -> int:
    """Add normalised identities (caller commits); returns how many were new."""
    added = 0
    batch: list[dict] = []
    for row in _rows(items, source):
        batch.append(row)
        if len(batch) >= chunk:
            added += _insert_ignoring_known(session, batch)
            batch = []
    return added + _insert_ignoring_known(session, batch)


def seed_simulated_users(session: Session, user_ids: Iterable[int], *, seed: int = 0) -> int:
    """Give the simulator's users `user_ids` their synthetic identifiers in the store (idempotent)."""
    def items() -> Iterator[IdentityRow]:
        for user_id in user_ids:
            for kind, value in synthetic_identifiers(user_id, seed).items():
                canonical = normalise(kind, value)
                if canonical is not None:
                    yield IdentityRow(kind, canonical, user_id)
    return store(session, items(), source="simulator")


def seed_prescribers(session: Session, npis: Iterable[str]) -> int:
    """Each healthcare prescriber's NPI → its own user key (idempotent)."""
    return store(session, (IdentityRow(catalog.KIND_NPI, npi, npi_user_id(npi)) for npi in npis
                           if is_valid_npi(npi)), source="healthcare")


def ingest(session: Session, records: Sequence[tuple[int, int, str]]) -> tuple[int, list[int]]:
    """Ingested `(user_id, kind, plain value)` records; returns (new identities, indexes of invalid records)."""
    valid: list[IdentityRow] = []
    invalid: list[int] = []
    for index, (user_id, kind, value) in enumerate(records):
        canonical = normalise(kind, value)
        if canonical is None:
            invalid.append(index)
        else:
            valid.append(IdentityRow(kind, canonical, user_id))
    return store(session, valid, source="ingest"), invalid


# -------------------------------------------------------------------------------------- reads

def lookup(session: Session, kind: int, column: str, keys: Sequence[bytes], *, chunk: int = 5000) -> dict[bytes, int]:
    """digest → user key for the `keys` the store knows (by the `column` digest: sha256, sha1 or md5)."""
    attr = getattr(Identity, column)
    found: dict[bytes, int] = {}
    unique = list(dict.fromkeys(keys))
    for offset in range(0, len(unique), chunk):
        part = unique[offset: offset + chunk]
        for digest, user_id in session.execute(select(attr, Identity.user_id)
                                               .where(Identity.kind == kind, attr.in_(part))):
            found[bytes(digest)] = user_id
    return found


def count(session: Session) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).select_from(Identity)) or 0)
