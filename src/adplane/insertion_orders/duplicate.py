"""POST /api/v3/cmp/io/duplicate: a copy of an IO with (some of) its campaigns, dates shifted."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adplane.campaigns.duplicate import copy_campaign, shifted
from adplane.core.clock import as_utc, from_epoch_ms, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.insertion_orders import service
from adplane.insertion_orders.models import IO_STATUS_ACTIVE, IO_STATUS_EXPIRED, InsertionOrder
from adplane.insertion_orders.schemas import IoDuplicate


def duplicate_io(session: Session, principal: Principal, body: IoDuplicate) -> tuple[InsertionOrder, list[int]]:
    source = service.get_io(session, principal.ow_id, body.io_id)
    if body.io_start_time is None:
        raise ValidationFailed("Start date is mandatory ", field="ioStartTime")
    if body.io_end_time is None and source.status_id == IO_STATUS_EXPIRED:
        raise ValidationFailed("End date is mandatory for expired IO", field="ioEndTime")
    start = from_epoch_ms(body.io_start_time)
    assert start is not None
    delta = start - as_utc(source.start_time)
    end = from_epoch_ms(body.io_end_time) if body.io_end_time is not None else shifted(source.end_time, delta)
    if end is not None and end <= start:
        raise ValidationFailed("IO end time must be after the IO start time.", field="ioEndTime")
    if end is not None and end <= utcnow():
        raise ValidationFailed("IO end time must be in the future.", field="ioEndTime")
    timezone_id = body.io_time_zone_id or source.timezone_id
    service.check_timezone(timezone_id, "ioTimeZoneId")
    live = {c.id: c for c in sorted(session.scalars(service.live_campaigns_query(source.id)), key=lambda c: c.id)}
    wanted = body.io_existing_campaign_ids if body.io_existing_campaign_ids is not None else list(live)
    foreign = [cid for cid in wanted if cid not in live]
    if foreign:
        raise ValidationFailed(f"Campaigns {', '.join(map(str, foreign))} are not in insertion order {source.id}.",
                               field="ioExistingCampaignIds")
    copy = InsertionOrder(
        ow_id=source.ow_id, name=f"{source.name} copy"[:255], start_time=start, end_time=end,
        total_budget=source.total_budget, total_impressions=source.total_impressions, timezone_id=timezone_id,
        budget_type_id=source.budget_type_id, distribution_method_id=source.distribution_method_id,
        is_auto_sum_total_budget=source.is_auto_sum_total_budget, status_id=IO_STATUS_ACTIVE,
        is_io_prioritise=source.is_io_prioritise, created_by_uow_id=principal.uow_id,
        modified_by_uow_id=principal.uow_id,
    )
    session.add(copy)
    session.flush()
    campaign_ids = []
    for cid in wanted:
        original = live[cid]
        new_start = max(shifted(original.start_time, delta) or start, start)
        new_end = shifted(original.end_time, delta)
        if new_end is not None and end is not None:
            new_end = min(new_end, end)
        campaign_ids.append(copy_campaign(session, principal, original, copy, start=new_start, end=new_end,
                                          timezone_id=original.timezone_id).id)
    service.sync_auto_sum(session, copy)
    service.check_campaign_budgets_fit(session, copy)
    session.commit()
    return copy, campaign_ids
