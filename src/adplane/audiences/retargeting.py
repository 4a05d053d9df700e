"""Retargeted audiences: a tag (pixel) per audience; the users whose visits it records are the members.

Creating one issues IQM's tag snippet, `<script src='<base>/i/audience/<key>' async></script>`, keyed by
the audience's unguessable `pixel_key`. A page that loads it reports a visitor by `uid` (the user key the
delivery simulator and ingested events carry), `did` (a mobile advertising id) or `em` (an e-mail, plain or
SHA-256 hex), the last two looked up in the identity store; a `uid` cookie counts like the parameter.

The collection window is IQM's: `month` (the last `dataCollectionPeriod` calendar months, rolling: a
member whose last visit falls out of it leaves at the next refresh) or `date_range` (visits between
`startDate` and `endDate`; no end: open). A visit outside the window is not recorded. One row per
(audience, visitor) keeps the latest visit, so repeated visits are idempotent. The audience is processing
until its first recorded visit, then ready.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adplane.audiences import catalog, identities, kind_common
from adplane.audiences.kind_schemas import RetargetRequest
from adplane.audiences.models import Audience, AudienceMember, PixelVisit
from adplane.audiences.service import new_pixel_key
from adplane.core.clock import as_utc, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, NotFound, ValidationFailed
from adplane.core.limits import RateLimiter
from adplane.core.settings import Settings

PIXEL_PATH = "/i/audience"
MAX_URL_CHARS = 2000
MAX_EMAIL_RECIPIENTS = 50
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# The tag a client may ask us to mail (POST /api/v2/audience/email/notify): a script tag with an http(s)
# source, nothing else, so the endpoint cannot be used to mail arbitrary markup.
_SCRIPT_TAG = re.compile(r"""^<script src=(['"])https?://[^'"\s<>]{1,1900}\1( async)?></script>$""")
_KEY_IN_TAG = re.compile(PIXEL_PATH + r"/([A-Za-z0-9_-]{16,64})['\"]")


class PixelMailNotSent(ApiError):
    status_code = 503


# ----------------------------------------------------------------------------------------- the tag

def pixel_url(settings: Settings, key: str) -> str:
    return f"{settings.public_base_url}{PIXEL_PATH}/{key}"


def tag_script(settings: Settings, audience: Audience) -> str:
    return f"<script src='{pixel_url(settings, audience.pixel_key or '')}' async></script>"


# -------------------------------------------------------------------------------------- the window

def months_before(instant: datetime, months: int) -> datetime:
    """The same wall-clock instant `months` calendar months earlier (the day clamped to the month's end)."""
    index = instant.year * 12 + instant.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=instant.tzinfo)
    last_day = (next_month - timedelta(days=1)).day
    return instant.replace(year=year, month=month, day=min(instant.day, last_day))


def _window(req: RetargetRequest, current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The audience's collection window from a request (fields it leaves out keep their current value)."""
    current = current or {}
    by = (req.data_collection_by or current.get("dataCollectionBy") or "").strip().lower()
    if by not in (catalog.RETARGET_BY_MONTH, catalog.RETARGET_BY_DATE_RANGE):
        raise ValidationFailed("dataCollectionBy must be 'month' or 'date_range'.", field="dataCollectionBy")
    if by == catalog.RETARGET_BY_MONTH:
        period = req.data_collection_period if req.data_collection_period is not None else \
            current.get("dataCollectionPeriod")
        if not isinstance(period, int) or not 1 <= period <= catalog.RETARGET_MAX_MONTHS:
            raise ValidationFailed(f"dataCollectionPeriod must be 1 to {catalog.RETARGET_MAX_MONTHS} months.",
                                   field="dataCollectionPeriod")
        return {"dataCollectionBy": by, "dataCollectionPeriod": period, "startDate": None, "endDate": None}
    start = req.start_date if req.start_date is not None else current.get("startDate")
    if start is None:
        raise ValidationFailed("startDate is required when dataCollectionBy is 'date_range'.", field="startDate")
    start_ms = kind_common.ms(kind_common.instant(start))
    end = req.end_date if req.end_date is not None else current.get("endDate")
    end_ms = kind_common.ms(kind_common.instant(end)) if end is not None else None
    if end_ms is not None and end_ms <= start_ms:
        raise ValidationFailed("endDate must be after startDate.", field="endDate")
    return {"dataCollectionBy": by, "dataCollectionPeriod": None, "startDate": start_ms, "endDate": end_ms}


def _bounds(details: Mapping[str, Any], now: datetime) -> tuple[datetime, datetime | None]:
    """The instants a visit must fall between to count (no upper bound: open)."""
    if details.get("dataCollectionBy") == catalog.RETARGET_BY_MONTH:
        return months_before(now, int(details.get("dataCollectionPeriod") or 1)), None
    start = kind_common.instant(int(details.get("startDate") or 0))
    end = details.get("endDate")
    return start, kind_common.instant(int(end)) if end is not None else None


def _inside(details: Mapping[str, Any], at: datetime) -> bool:
    start, end = _bounds(details, at)
    return start <= at and (end is None or at <= end)


# ------------------------------------------------------------------------------- create, edit, read

def create(session: Session, settings: Settings, principal: Principal, req: RetargetRequest) -> dict[str, Any]:
    if not req.audience_name:
        raise ValidationFailed("audienceName is required.", field="audienceName")
    window = _window(req)
    audience = kind_common.new_audience(session, principal, type_id=catalog.TYPE_RETARGETED,
                                        name=req.audience_name, cost=catalog.RETARGETED_CPM, details=window,
                                        pixel_key=new_pixel_key())
    session.commit()
    return {"id": audience.id, "audienceId": audience.id, "tag_script": tag_script(settings, audience),
            "message": f"{audience.name} audience created successfully"}


def edit(session: Session, settings: Settings, principal: Principal, audience_id: int,
         req: RetargetRequest) -> dict[str, Any]:
    """Rename and/or change the window; the members become the recorded visitors inside the new window."""
    audience = kind_common.of_type(session, principal, audience_id, catalog.TYPE_RETARGETED, for_update=True)
    if req.audience_name is None and req.data_collection_by is None and req.data_collection_period is None \
            and req.start_date is None and req.end_date is None:
        raise ValidationFailed("Nothing to change: send audienceName or the collection window.",
                               field="audienceName")
    window = _window(req, audience.details)
    if req.audience_name:
        audience.name = req.audience_name
    audience.details = {**(audience.details or {}), **window}
    rebuild(session, audience, utcnow())
    session.commit()
    return {"tag_script": tag_script(settings, audience), "message": "Your changes have been saved successfully"}


def details(session: Session, settings: Settings, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = kind_common.of_type(session, principal, audience_id, catalog.TYPE_RETARGETED)
    info = audience.details or {}
    out = kind_common.details(session, principal, audience, created_on_ms=True, created_at_ms=True)
    by_month = info.get("dataCollectionBy") == catalog.RETARGET_BY_MONTH
    out.update({
        "tagId": audience.pixel_key or "", "tag_script": tag_script(settings, audience),
        "duration": str(info.get("dataCollectionBy") or "").upper(),
        "time": int(info.get("dataCollectionPeriod") or 0) if by_month else 0,
        "startDate": int(info.get("startDate") or 0), "endDate": int(info.get("endDate") or 0),
        "dataCollectionBy": info.get("dataCollectionBy"),
    })
    if by_month:
        out["dataCollectionPeriod"] = int(info.get("dataCollectionPeriod") or 0)
    return out


# -------------------------------------------------------------------------------------- membership

def rebuild(session: Session, audience: Audience, now: datetime) -> None:
    """Visits outside the window are dropped; the members are exactly the remaining visitors."""
    start, end = _bounds(audience.details or {}, now)
    outside = PixelVisit.visited_at < start if end is None else (PixelVisit.visited_at < start) | (
        PixelVisit.visited_at > end)
    session.execute(delete(PixelVisit).where(PixelVisit.audience_id == audience.id, outside))
    visitors = select(PixelVisit.user_id).where(PixelVisit.audience_id == audience.id)
    session.execute(delete(AudienceMember).where(AudienceMember.audience_id == audience.id,
                                                 AudienceMember.user_id.not_in(visitors)))
    audience.reach = int(session.scalar(select(func.count()).select_from(AudienceMember)
                                        .where(AudienceMember.audience_id == audience.id)) or 0)


def expire(session: Session, now: datetime) -> int:
    """Rolling (month) audiences lose the visitors whose last visit left the window; returns members removed."""
    removed = 0
    rows = session.scalars(select(Audience).where(Audience.type_id == catalog.TYPE_RETARGETED))
    for audience in list(rows):
        if (audience.details or {}).get("dataCollectionBy") != catalog.RETARGET_BY_MONTH:
            continue
        start, _ = _bounds(audience.details or {}, now)
        stale = session.scalar(select(func.count()).select_from(PixelVisit).where(
            PixelVisit.audience_id == audience.id, PixelVisit.visited_at < start)) or 0
        if stale:
            before = audience.reach
            rebuild(session, audience, now)
            removed += before - audience.reach
    session.commit()
    return removed


# ------------------------------------------------------------------------------------ the pixel hit

LIMITER = RateLimiter("pixel hits")


def _identity(session: Session, kind: int, raw: str, field: str) -> int | None:
    value = raw.strip().lower()
    if len(value) > 320:
        raise ValidationFailed(f"{field} is too long.", field=field)
    if kind == catalog.KIND_EMAIL and _HEX64.match(value):
        digest = bytes.fromhex(value)
    else:
        canonical = identities.normalise(kind, value)
        if canonical is None:
            raise ValidationFailed(f"{field} is not a valid identifier.", field=field)
        digest = hashlib.sha256(canonical.encode()).digest()
    return identities.lookup(session, kind, "sha256", [digest]).get(digest)


def visitor(session: Session, params: Mapping[str, str]) -> int | None:
    """The user key a hit names: `uid` directly, else `did` / `em` through the identity store (None: unknown)."""
    uid = (params.get("uid") or "").strip()
    if uid:
        if not (uid.isascii() and uid.isdigit() and len(uid) <= 19 and 1 <= int(uid) <= kind_common.MAX_USER_KEY):
            raise ValidationFailed("uid must be a user key (a positive integer).", field="uid")
        return int(uid)
    if params.get("did"):
        return _identity(session, catalog.KIND_DEVICE, params["did"], "did")
    if params.get("em"):
        return _identity(session, catalog.KIND_EMAIL, params["em"], "em")
    return None


def by_key(session: Session, key: str) -> Audience:
    audience = session.scalar(select(Audience).where(Audience.pixel_key == key))
    if audience is None or audience.type_id != catalog.TYPE_RETARGETED:
        raise NotFound("Pixel not found.", field="key")
    return audience


def record_visit(session: Session, settings: Settings, key: str, params: Mapping[str, str],
                 referer: str | None) -> bool:
    """Record a hit of the audience's pixel; True when it counted (a known visitor inside the window)."""
    audience = by_key(session, key)
    LIMITER.take(audience.id, settings.audience_pixel_hits_per_second)
    user_id = visitor(session, params)
    now = utcnow()
    if user_id is None or not _inside(audience.details or {}, now):
        return False
    url = (params.get("url") or referer or "")[:MAX_URL_CHARS] or None
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    visit = dialect.insert(PixelVisit).values(audience_id=audience.id, user_id=user_id, url=url,
                                              visited_at=as_utc(now))
    session.execute(visit.on_conflict_do_update(index_elements=["audience_id", "user_id"],
                                                set_={"visited_at": visit.excluded.visited_at,
                                                      "url": visit.excluded.url}))
    joined = session.scalar(dialect.insert(AudienceMember).values(audience_id=audience.id, user_id=user_id)
                            .on_conflict_do_nothing(index_elements=["audience_id", "user_id"])
                            .returning(AudienceMember.user_id))
    if joined is not None:  # a new member
        session.execute(update(Audience).where(Audience.id == audience.id)
                        .values(reach=Audience.reach + 1).execution_options(synchronize_session=False))
    session.execute(update(Audience).where(Audience.id == audience.id,
                                           Audience.status_id == catalog.STATUS_PROCESSING)
                    .values(status_id=catalog.STATUS_READY).execution_options(synchronize_session=False))
    session.commit()
    return True


# ------------------------------------------------------------------------------------------ e-mail

def _recipients(items: list[str], field: str) -> list[str]:
    from email_validator import EmailNotValidError, validate_email

    out: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            out.append(validate_email(item, check_deliverability=False).normalized)
        except EmailNotValidError:
            raise ValidationFailed(f"Invalid e-mail address: {item[:100]}", field=field) from None
    if not 1 <= len(out) <= MAX_EMAIL_RECIPIENTS:
        raise ValidationFailed(f"{field} must hold 1 to {MAX_EMAIL_RECIPIENTS} e-mail addresses.", field=field)
    return list(dict.fromkeys(out))


def _mail(settings: Settings, principal: Principal, recipients: list[str], script: str, name: str | None) -> None:
    from adplane.mail.compose import compose
    from adplane.mail.sender import MailError, send

    about = f" of the audience \"{name}\"" if name else ""
    text = (f"Hello,\n\n{principal.email} has sent you the retargeting pixel{about}.\n\n"
            f"Place this tag on every page whose visitors should join the audience, before </body>:\n\n"
            f"{script}\n\nVisitors are added while the audience's collection window is open.\n")
    try:
        send(settings, compose(settings, to=recipients, subject="Retargeting pixel code", text=text))
    except MailError as exc:
        raise PixelMailNotSent(f"The pixel e-mail could not be sent: {exc}", field="recipients") from None


def notify(session: Session, settings: Settings, principal: Principal, pixel_code: str | None,
           recipients: str | None) -> dict[str, str]:
    """IQM's v2 notify: mail the given tag (a script tag, the audience named when it is one of ours)."""
    code = (pixel_code or "").strip()
    if not code:
        raise ValidationFailed("pixelCode is required.", field="pixelCode")
    if not _SCRIPT_TAG.match(code):
        raise ValidationFailed("pixelCode must be a retargeting script tag.", field="pixelCode")
    to = _recipients((recipients or "").split(","), "recipients")
    found = _KEY_IN_TAG.search(code)
    own = session.scalar(select(Audience.name).where(
        Audience.ow_id == principal.ow_id, Audience.type_id == catalog.TYPE_RETARGETED,
        Audience.pixel_key == found.group(1))) if found else None
    _mail(settings, principal, to, code, own)
    return {"message": "e-mail sent successfully"}


def email_notification(session: Session, settings: Settings, principal: Principal, audience_id: int,
                       emails: list[str] | None, recipients: str | None) -> dict[str, str]:
    """The guide's notification: the audience's own tag to `recipientEmails`."""
    audience = kind_common.of_type(session, principal, audience_id, catalog.TYPE_RETARGETED)
    field = "recipientEmails" if emails is not None else "recipients"
    to = _recipients(emails if emails is not None else (recipients or "").split(","), field)
    _mail(settings, principal, to, tag_script(settings, audience), audience.name)
    return {"message": "Pixel Code emailed successfully"}
