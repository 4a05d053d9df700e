"""Political advertiser profiles of an organization (IQM's Workspace API, "Advertiser Management").

A political campaign names the advertiser that pays for it (`politicalAdvertiserClientId`); these are the
profiles it can name: who the advertiser is, its website, its chief, contact, address, legal information, FEC
id (`politicalIdentifier`) and links. They belong to the organization of X-IAA-OW-ID: every statement starts
from `scoped(PoliticalAdvertiser, ow_id)`, so another organization's id is a 404 like a missing one. Any member
may list and manage them (campaign builders are not always admins). Names are unique per organization,
case-insensitively, enforced by a unique key so two parallel adds of one name cannot both win.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adplane.auth.models import PoliticalAdvertiser
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import count, fetch_page, in_ids, page_offset, parse_ids, parse_sort, where_search
from adplane.core.schemas import db_id_or_none
from adplane.core.tenancy import get_scoped, scoped

ADDED = "Advertiser profile added successfully."
UPDATED = "Advertiser profile updated successfully."
DELETED = "Advertiser profile deleted successfully."
NAME_TAKEN = "An advertiser profile with this name already exists in the organization."
NOT_FOUND_LABEL = "Advertiser profile"
MAX_LINKS = 20

# wire field → (column, max length, required)
TEXT_FIELDS: dict[str, tuple[str, int, bool]] = {
    "advertiserName": ("name", 255, True),
    "chiefName": ("chief_name", 255, True),
    "contactNumber": ("contact_number", 50, True),
    "address": ("address", 1000, False),
    "legalInfo": ("legal_info", 2000, False),
    "politicalIdentifier": ("political_identifier", 100, False),
}
SORTABLE = {"id": PoliticalAdvertiser.id, "advertiserName": func.lower(PoliticalAdvertiser.name)}
DEFAULT_SORT = "-id"  # newest first, as IQM's examples list them

_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z]{2,63}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9 ().\-]+$")


def url_or_host(value: str, field: str) -> str:
    """An http(s) URL or a bare host with an optional path ("www.example.com/about"), as IQM's examples write
    them; returned as given (trimmed)."""
    text = value.strip()
    if not text or len(text) > 2048 or any(ch.isspace() for ch in text):
        raise ValidationFailed(f"{field} must be a website address (URL or host name).", field=field)
    has_scheme = "://" in text
    parts = urlsplit(text if has_scheme else f"http://{text}")
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018  (a bad port raises)
    except ValueError:
        host = ""
    if parts.scheme not in ("http", "https") or not _HOST.match(host) or parts.username or parts.password:
        raise ValidationFailed(f"{field} must be a website address (URL or host name).", field=field)
    return text


def _text(field: str, raw: Any) -> str | None:
    column, max_length, required = TEXT_FIELDS[field]
    text = raw.strip() if isinstance(raw, str) else None
    if raw is not None and not isinstance(raw, str):
        raise ValidationFailed(f"{field} must be a string.", field=field)
    if not text:
        if required:
            raise ValidationFailed(f"{field} is required.", field=field)
        return None
    if len(text) > max_length:
        raise ValidationFailed(f"{field} must be at most {max_length} characters.", field=field)
    if field == "contactNumber" and (not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 5):
        raise ValidationFailed("contactNumber must be a phone number (digits, spaces, +, -, parentheses).",
                               field=field)
    return text


def _links(raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationFailed("links must be a list of website addresses.", field="links")
    if len(raw) > MAX_LINKS:
        raise ValidationFailed(f"At most {MAX_LINKS} links are allowed.", field="links")
    links: list[str] = []
    for item in raw:
        link = url_or_host(item, "links")
        if link not in links:
            links.append(link)
    return links


def _values(fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Checked column values of the wire `fields`; with `partial`, only those given (a required one still
    cannot be emptied)."""
    values: dict[str, Any] = {}
    for field, (column, _, _) in TEXT_FIELDS.items():
        if not partial or field in fields:
            values[column] = _text(field, fields.get(field))
    if not partial or "website" in fields:
        website = fields.get("website")
        if not isinstance(website, str) or not website.strip():
            raise ValidationFailed("website is required.", field="website")
        values["website"] = url_or_host(website, "website")
    if not partial or "links" in fields:
        values["links"] = _links(fields.get("links"))
    if "name" in values:
        values["name_key"] = values["name"].lower()
    return values


def _name_taken(session: Session, ow_id: int, name_key: str, except_id: int | None = None) -> bool:
    stmt = scoped(PoliticalAdvertiser, ow_id).where(PoliticalAdvertiser.name_key == name_key)
    if except_id is not None:
        stmt = stmt.where(PoliticalAdvertiser.id != except_id)
    return session.scalar(stmt.limit(1)) is not None


def _commit_unique(session: Session) -> None:
    """Commit; the unique key refusing the name (a parallel add or rename won) is the same 422 as the check."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed(NAME_TAKEN, field="advertiserName") from None


def row(advertiser: PoliticalAdvertiser) -> dict[str, Any]:
    return {
        "id": advertiser.id,
        "advertiserName": advertiser.name,
        "website": advertiser.website,
        "chiefName": advertiser.chief_name,
        "contactNumber": advertiser.contact_number,
        "address": advertiser.address,
        "legalInfo": advertiser.legal_info,
        "politicalIdentifier": advertiser.political_identifier,
        "links": list(advertiser.links or []),
    }


def list_advertisers(session: Session, principal: Principal, *, search: str | None, advertiser_ids: str | None,
                     page_no: int, limit: int, sort_by: str | None) -> dict[str, Any]:
    """Searched (name, chief, website, or the id), filtered by ids, sorted and paged in SQL."""
    ids = parse_ids(advertiser_ids, "advertiserIds")
    order = parse_sort(sort_by, SORTABLE, DEFAULT_SORT)
    everything = scoped(PoliticalAdvertiser, principal.ow_id)
    stmt = everything.where(in_ids(PoliticalAdvertiser.id, ids)) if ids else everything
    stmt = where_search(stmt, search, [PoliticalAdvertiser.name, PoliticalAdvertiser.chief_name,
                                       PoliticalAdvertiser.website], id_column=PoliticalAdvertiser.id)
    offset, page_size = page_offset(page_no, limit)
    rows, matching = fetch_page(session, stmt, order, tiebreak=PoliticalAdvertiser.id, offset=offset,
                                limit=page_size)
    return {"data": [row(a) for a in rows], "totalRecords": count(session, everything), "filteredRecords": matching}


def add(session: Session, principal: Principal, fields: dict[str, Any]) -> str:
    values = _values(fields, partial=False)
    if _name_taken(session, principal.ow_id, values["name_key"]):
        raise ValidationFailed(NAME_TAKEN, field="advertiserName")
    now = utcnow()
    session.add(PoliticalAdvertiser(ow_id=principal.ow_id, created_by_user_id=principal.user_id, created_at=now,
                                    modified_at=now, **values))
    _commit_unique(session)
    return ADDED


def update(session: Session, principal: Principal, advertiser_id: int, fields: dict[str, Any]) -> str:
    """Change the fields given (IQM sends the whole profile; a part of it works too). Everything is checked
    before anything is written."""
    advertiser = get_scoped(session, PoliticalAdvertiser, principal.ow_id, advertiser_id, label=NOT_FOUND_LABEL,
                            field="advertiserId", for_update=True)
    body_id = fields.get("id")
    if body_id is not None and body_id != advertiser_id:
        raise ValidationFailed("id in the body must be the advertiserId of the path.", field="id")
    values = _values(fields, partial=True)
    if not values:
        raise ValidationFailed("Nothing to update: give a field of the advertiser profile.", field="advertiserName")
    if "name_key" in values and _name_taken(session, principal.ow_id, values["name_key"], except_id=advertiser.id):
        raise ValidationFailed(NAME_TAKEN, field="advertiserName")
    for column, value in values.items():
        setattr(advertiser, column, value)
    advertiser.modified_at = utcnow()
    _commit_unique(session)
    return UPDATED


def delete(session: Session, principal: Principal, advertiser_id: int) -> str:
    advertiser = get_scoped(session, PoliticalAdvertiser, principal.ow_id, advertiser_id, label=NOT_FOUND_LABEL,
                            field="advertiserId", for_update=True)
    session.delete(advertiser)
    session.commit()
    return DELETED


def exists(session: Session, ow_id: int, advertiser_id: Any) -> bool:
    """Whether `advertiser_id` (as a campaign sent it) is an advertiser profile of the organization."""
    if isinstance(advertiser_id, bool) or not isinstance(advertiser_id, int | str):
        return False
    wanted = db_id_or_none(str(advertiser_id).strip())
    return wanted is not None and session.scalar(
        scoped(PoliticalAdvertiser, ow_id).where(PoliticalAdvertiser.id == wanted)) is not None
