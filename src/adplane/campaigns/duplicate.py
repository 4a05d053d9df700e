"""Copies of campaigns (into the same or another IO) and of whole IOs with their campaigns.

A copy is a new pending campaign named "<name> copy" with the source's settings, creatives and
targeting, and new dates; it must pass every campaign rule, or nothing is created.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from adplane.campaigns import rules
from adplane.campaigns.models import STATUS_DRAFT, STATUS_PENDING, Campaign
from adplane.campaigns.schemas import DuplicateCampaigns
from adplane.campaigns.service import creative_ids_by_campaign, get_campaign, set_creatives, validate_campaign
from adplane.core.clock import as_utc, from_epoch_s, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids
from adplane.insertion_orders import service as io_service
from adplane.insertion_orders.models import InsertionOrder

COPIED_COLUMNS = (
    "creative_type_id", "campaign_type_id", "budget_type_id", "budget_day", "budget_total", "max_bid",
    "total_budget_pacing", "target_impressions", "country_id", "device_type_ids", "traffic_type_ids",
    "exchange_ids", "state_ids", "publisher_ad_category_ids", "advertiser_domain", "conversion_type",
    "conversion_type_id", "bid_optimization", "bid_pacing", "is_bid_shading", "impression_capping",
    "max_day_impressions", "max_day_clicks", "max_day_conversions", "total_impressions", "total_clicks",
    "total_conversions", "is_tv_ad", "extra",
)


def copy_campaign(session: Session, principal: Principal, source: Campaign, io: InsertionOrder, *,
                  start: datetime, end: datetime | None, timezone_id: int) -> Campaign:
    is_draft = source.status == STATUS_DRAFT  # a draft is copied as a draft, with its gaps
    copy = Campaign(ow_id=source.ow_id, io_id=io.id, uow_id=principal.uow_id, name=f"{source.name} copy"[:255],
                    status=STATUS_DRAFT if is_draft else STATUS_PENDING, is_approved=False,
                    timezone_id=timezone_id, start_time=start, end_time=end)
    for column in COPIED_COLUMNS:
        value = getattr(source, column)
        setattr(copy, column, list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict)
                else value)
    if copy.total_budget_pacing and copy.budget_total is not None and end is not None:
        copy.budget_day = rules.pacing_daily_budget(copy.budget_total, start, end)
    creative_ids = creative_ids_by_campaign(session, [source.id])[source.id]
    try:
        validate_campaign(session, copy, io, complete=not is_draft, creative_ids=creative_ids)
    except ValidationFailed as exc:
        first = exc.error_objects[0]
        raise ValidationFailed(f"Campaign {source.id} cannot be copied: {first['error']}",
                               field=first.get("field")) from None
    session.add(copy)
    session.flush()
    set_creatives(session, copy, creative_ids)
    return copy


def duplicate_campaigns(session: Session, principal: Principal, body: DuplicateCampaigns) -> list[int]:
    ids = parse_ids(body.existing_campaign_ids, "existingCampaignIds", required=True)
    if body.start_date is None:
        raise ValidationFailed("startDate is required.", field="startDate")
    start = from_epoch_s(body.start_date)
    assert start is not None
    if start < utcnow().replace(microsecond=0):
        raise ValidationFailed("Start date can not be less than current time.", field="startDate")
    end = from_epoch_s(body.end_date) if body.end_date else None
    if end is not None and end < start:
        raise ValidationFailed("End date can not be less than start date.", field="endDate")
    if body.time_zone_id is not None:
        io_service.check_timezone(body.time_zone_id, "timeZoneId")
    sources = [get_campaign(session, principal.ow_id, cid, field="existingCampaignIds") for cid in ids]
    io_id = body.io_id or sources[0].io_id
    io = io_service.lock_io(session, principal.ow_id, io_id, field="ioId")
    copies = [copy_campaign(session, principal, s, io, start=start, end=end,
                            timezone_id=body.time_zone_id or s.timezone_id) for s in sources]
    io_service.sync_auto_sum(session, io)
    io_service.check_campaign_budgets_fit(session, io)
    session.commit()
    return [c.id for c in copies]


def shifted(instant: datetime | None, delta) -> datetime | None:  # noqa: ANN001 - a timedelta
    return None if instant is None else as_utc(instant) + delta
