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
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, select
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


# Python's str.strip() on ASCII text: these characters (str.isspace).
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def digests_of(kind: int, data_format: int, cells: Sequence[str | None]) -> list[bytes | None]:
    """`digest_of` of a column of cells (None: the row has no such cell), with the same answers: ASCII cells
    normalised by Arrow kernels over the whole column, the others (and NPIs, whose check digit Arrow cannot
    compute) one by one in Python."""
    out: list[bytes | None] = [None] * len(cells)
    if not cells:
        return out
    values = pa.array(cells, pa.string())
    fast = pc.fill_null(pc.string_is_ascii(values), False)
    if kind == catalog.KIND_NPI:
        fast = pa.array([False] * len(cells))
    slow = np.flatnonzero(~fast.to_numpy(zero_copy_only=False) & values.is_valid().to_numpy(zero_copy_only=False))
    for i in slow.tolist():
        out[i] = digest_of(kind, data_format, str(cells[i]))
    rows = np.flatnonzero(fast.to_numpy(zero_copy_only=False))
    if not len(rows):
        return out
    text = pc.utf8_trim(values.take(pa.array(rows)), characters=_ASCII_SPACE)
    length = pc.utf8_length(text)
    if data_format != catalog.FORMAT_RAW:
        text = pc.ascii_lower(text)
        ok = pc.and_(pc.equal(length, _DIGEST_HEX_LENGTH[data_format]),
                     pc.match_substring_regex(text, "^[0-9a-f]+$"))
        for i, value in _kept(rows, text, ok):
            out[i] = bytes.fromhex(value)
        return out
    if kind == catalog.KIND_EMAIL:
        text = pc.ascii_lower(text)
        ok = pc.and_(pc.equal(pc.count_substring(text, "@"), 1),
                     pc.invert(pc.or_(pc.starts_with(text, "@"), pc.ends_with(text, "@"))))
    elif kind == catalog.KIND_PHONE:
        digits = pc.replace_substring_regex(text, "[^0-9]+", "")
        digits_length = pc.utf8_length(digits)
        text = pc.if_else(pc.equal(digits_length, 10), pc.binary_join_element_wise("1", digits, ""), digits)
        length = pc.utf8_length(text)
        ok = pc.and_(pc.greater_equal(length, 11), pc.less_equal(length, 15))
    elif kind == catalog.KIND_DEVICE:
        text = pc.ascii_lower(text)
        ok = pc.and_(pc.greater_equal(length, 8), pc.less_equal(length, 64))
    else:
        raise ValueError(f"unknown identity kind {kind}")
    sha256 = hashlib.sha256
    for i, value in _kept(rows, text, ok):
        out[i] = sha256(value.encode()).digest()
    return out


def _kept(rows: np.ndarray, text: Any, ok: Any) -> Iterator[tuple[int, str]]:
    """(cell index, text) of the rows `ok` keeps."""
    keep = pc.fill_null(ok, False)
    return zip(rows[keep.to_numpy(zero_copy_only=False)].tolist(), pc.filter(text, keep).to_pylist(), strict=True)


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


def _rows(items: Iterable[IdentityRow], source: str) -> Iterator[tuple[int, bytes, bytes, bytes, int, str]]:
    for item in items:
        d = digests(item.canonical)
        yield item.kind, d.sha256, d.sha1, d.md5, item.user_id, source


def _insert_ignoring_known(session: Session, rows: list[tuple[int, bytes, bytes, bytes, int, str]]) -> int:
    """Insert identities; one already known (same kind and digest) keeps its user. Returns rows added.
    Through the driver (executemany: a seed writes millions of rows, SQLAlchemy would add work per row)."""
    if not rows:
        return 0
    mark = "%s" if session.get_bind().dialect.name == "postgresql" else "?"
    cursor = session.connection().connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO {Identity.__tablename__} (kind, sha256, sha1, md5, user_id, source) "
                           f"VALUES ({', '.join([mark] * 6)}) ON CONFLICT (kind, sha256) DO NOTHING", rows)
        return max(cursor.rowcount or 0, 0)
    finally:
        cursor.close()


def store(session: Session, items: Iterable[IdentityRow], *, source: str, chunk: int = 5000) -> int:
    """Add normalised identities (caller commits); returns how many were new."""
    added = 0
    batch: list[tuple[int, bytes, bytes, bytes, int, str]] = []
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

LOOKUP_CHUNK = 5000  # keys per query (SQLite binds at most 32766 parameters)
# After this many keys probed in one transaction, and at least half as many as the store holds of that kind,
# the lookups read the kind's digests once and answer from them in memory (a large upload's later chunks).
SCAN_AFTER_KEYS = 200_000
_DIGEST_BYTES = {"sha256": 32, "sha1": 20, "md5": 16}


@dataclass
class _Digests:
    """One kind's digests (by one column) sorted, with their users: the store as it was in the transaction."""

    digests: np.ndarray  # fixed-width bytes (S16/S20/S32), ascending
    users: np.ndarray  # int64, same order

    def find(self, keys: Sequence[bytes]) -> dict[bytes, int]:
        wanted = np.array(keys, dtype=self.digests.dtype)
        at = np.minimum(np.searchsorted(self.digests, wanted), len(self.digests) - 1)
        hit = self.digests[at] == wanted
        return dict(zip([keys[i] for i in np.flatnonzero(hit).tolist()], self.users[at[hit]].tolist(), strict=True))


def lookup(session: Session, kind: int, column: str, keys: Sequence[bytes], *, chunk: int = LOOKUP_CHUNK
           ) -> dict[bytes, int]:
    """digest → user key for the `keys` the store knows (by the `column` digest: sha256, sha1 or md5).

    Probes through the driver (no per-key work in SQLAlchemy): PostgreSQL takes a chunk of keys as one array
    parameter, SQLite as an IN list, keys in sorted order. Once one transaction has probed many keys of a kind
    (SCAN_AFTER_KEYS, and half the kind's digests), its digests are read once and the rest of the transaction's
    lookups of that kind are answered from them in memory (the same answers: it is the same snapshot)."""
    if column not in DIGEST_COLUMN.values():
        raise ValueError(f"no digest column {column!r}")
    unique = sorted(set(keys))
    if not unique:
        return {}
    state = _transaction_state(session)
    scanned = state.get((kind, column))
    if isinstance(scanned, _Digests):
        return scanned.find(unique) if len(scanned.digests) else {}
    probed = int(scanned or 0) + len(unique)
    state[(kind, column)] = probed
    if probed >= SCAN_AFTER_KEYS and all(len(k) == _DIGEST_BYTES[column] for k in unique):
        known = session.scalar(select(func.count()).select_from(Identity).where(Identity.kind == kind)) or 0
        if probed * 2 >= known:
            state[(kind, column)] = scanned = _read_digests(session, kind, column)
            return scanned.find(unique) if len(scanned.digests) else {}
    return _probe(session, kind, column, unique, chunk)


def _transaction_state(session: Session) -> dict[Any, Any]:
    """Lookup state of the session's current transaction (a new transaction starts afresh)."""
    transaction = session.get_transaction()
    held = session.info.get("identities.lookup")
    if held is None or held[0] is not transaction:
        held = session.info["identities.lookup"] = (transaction, {})
    return held[1]


def _probe(session: Session, kind: int, column: str, unique: list[bytes], chunk: int) -> dict[bytes, int]:
    found: dict[bytes, int] = {}
    postgres = session.get_bind().dialect.name == "postgresql"
    table = Identity.__tablename__
    step = chunk * (10 if postgres else 1)
    cursor = session.connection().connection.cursor()
    try:
        for offset in range(0, len(unique), step):
            part = unique[offset: offset + step]
            if postgres:
                cursor.execute(f"SELECT {column}, user_id FROM {table} WHERE kind = %s AND {column} = ANY(%s)",
                               [kind, part])
            else:
                marks = ", ".join("?" * len(part))
                cursor.execute(f"SELECT {column}, user_id FROM {table} WHERE kind = ? AND {column} IN ({marks})",
                               [kind, *part])
            for digest, user_id in cursor.fetchall():
                found[bytes(digest)] = user_id
    finally:
        cursor.close()
    return found


def _read_digests(session: Session, kind: int, column: str, *, batch: int = 200_000) -> _Digests:
    mark = "%s" if session.get_bind().dialect.name == "postgresql" else "?"
    digests: list[np.ndarray] = []
    users: list[np.ndarray] = []
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(f"SELECT {column}, user_id FROM {Identity.__tablename__} WHERE kind = {mark}", [kind])
        while rows := cursor.fetchmany(batch):
            digests.append(np.array([bytes(r[0]) for r in rows], dtype=f"S{_DIGEST_BYTES[column]}"))
            users.append(np.fromiter((r[1] for r in rows), np.int64, len(rows)))
    finally:
        cursor.close()
    every = np.concatenate(digests) if digests else np.zeros(0, f"S{_DIGEST_BYTES[column]}")
    order = np.argsort(every, kind="stable")
    return _Digests(every[order], np.concatenate(users)[order] if users else np.zeros(0, np.int64))


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Identity)) or 0)
