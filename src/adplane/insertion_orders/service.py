"""Insertion-order rules: creation, edits, deletion with campaigns, budgets and the auto-sum total.

`isAutoSumIoTotalBudget` keeps the IO total equal to the sum of its live campaigns' budgets
(impression goals for impression-based IOs). Every change to a campaign budget locks the IO row
(`lock_io`) and recomputes the total in the same transaction (`sync_auto_sum`), so concurrent
changes cannot leave the IO total different from the sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.campaigns.models import STATUS_DELETED, Campaign
from adplane.core.clock import from_epoch_ms, to_epoch_ms, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.tenancy import get_scoped, scoped
from adplane.insertion_orders.models import (
    BUDGET_TYPE_CURRENCY,
    BUDGET_TYPE_IMPRESSIONS,
    IO_STATUS_ACTIVE,
    IO_STATUS_DELETED,
    IO_STATUS_EXPIRED,
    InsertionOrder,
)
from adplane.insertion_orders.schemas import IoCreate, IoUpdate
from adplane.master import catalog

CENT = Decimal("0.0001")
# Budgets are Numeric(16, 4): keep every stored total well inside it.
MAX_BUDGET = Decimal("10000000000")
MAX_IO_TOTAL = Decimal("99999999999")


def money(value: Decimal | float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT)


def wire_number(value: Decimal | None) -> float | int | None:
    """Budgets on the wire: integers stay integers (1000), fractions are floats (1199.08)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def io_to_wire(io: InsertionOrder) -> dict:
    return {
        "ioId": io.id,
        "ioName": io.name,
        "owId": io.ow_id,
        "ioStartTime": to_epoch_ms(io.start_time),
        "ioEndTime": to_epoch_ms(io.end_time),
        "ioTotalBudget": wire_number(io.total_budget),
        "ioTimeZoneId": io.timezone_id,
        "isAutoSumIoTotalBudget": io.is_auto_sum_total_budget,
        "ioBudgetDistributionMethodId": io.distribution_method_id,
        "ioBudgetTypeId": io.budget_type_id,
        "ioStatusId": io.status_id,
        "ioTotalImpressions": io.total_impressions,
        "isIoPrioritise": io.is_io_prioritise,
        "ioNextPerformanceCheck": None,
        "ioLastPriorityShift": None,
        "ioCurrentPriority": io.current_priority,
        "createdByUowId": io.created_by_uow_id,
        "modifiedByUowId": io.modified_by_uow_id,
    }


def created_io_to_wire(io: InsertionOrder) -> dict:
    """The create answer carries the seed's keys only."""
    full = io_to_wire(io)
    keys = ("ioId", "ioName", "ioStartTime", "ioEndTime", "ioTotalBudget", "ioTimeZoneId", "ioBudgetTypeId",
            "ioBudgetDistributionMethodId", "isAutoSumIoTotalBudget", "ioTotalImpressions")
    return {key: full[key] for key in keys}


# --------------------------------------------------------------------------- lookups


def get_io(session: Session, ow_id: int, io_id: int, *, for_update: bool = False,
           include_deleted: bool = False, field: str = "ioId") -> InsertionOrder:
    io = get_scoped(session, InsertionOrder, ow_id, io_id, label="Insertion order", field=field,
                    for_update=for_update)
    if for_update:
        session.refresh(io)  # the row is locked now: read its latest committed values
    if io.status_id == IO_STATUS_DELETED and not include_deleted:
        raise NotFound("Insertion order not found.", field=field)
    return io


def lock_io(session: Session, ow_id: int, io_id: int, *, field: str = "ioId") -> InsertionOrder:
    """The IO row locked for the rest of the transaction (PostgreSQL `FOR UPDATE`)."""
    return get_io(session, ow_id, io_id, for_update=True, field=field)


def get_ios(session: Session, ow_id: int, io_ids: Iterable[int], *, field: str = "ioIdsList",
            for_update: bool = False) -> list[InsertionOrder]:
    """All of the given live IOs of the organization, in id order; one unknown id is a 404."""
    wanted = sorted(set(io_ids))
    if not wanted:
        raise ValidationFailed("IO list can not be empty.", field=field)
    stmt = scoped(InsertionOrder, ow_id).where(InsertionOrder.id.in_(wanted),
                                               InsertionOrder.status_id != IO_STATUS_DELETED)
    stmt = stmt.order_by(InsertionOrder.id)
    if for_update:
        stmt = stmt.with_for_update()
    found = list(session.scalars(stmt))
    missing = sorted(set(wanted) - {io.id for io in found})
    if missing:
        raise NotFound(f"Insertion order(s) not found: {', '.join(map(str, missing))}.", field=field)
    return found


def live_campaigns_query(io_id: int):  # noqa: ANN201 - a Select
    return select(Campaign).where(Campaign.io_id == io_id, Campaign.status != STATUS_DELETED)


def campaign_budget_sum(session: Session, io_id: int) -> Decimal:
    total = session.scalar(select(func.coalesce(func.sum(Campaign.budget_total), 0)).where(
        Campaign.io_id == io_id, Campaign.status != STATUS_DELETED))
    return money(total) or Decimal("0")


def campaign_impression_sum(session: Session, io_id: int) -> int:
    total = session.scalar(select(func.coalesce(func.sum(Campaign.target_impressions), 0)).where(
        Campaign.io_id == io_id, Campaign.status != STATUS_DELETED))
    return int(total or 0)


def sync_auto_sum(session: Session, io: InsertionOrder) -> None:
    """Recompute an auto-sum IO's total from its campaigns (call with the IO row locked)."""
    if not io.is_auto_sum_total_budget:
        return
    session.flush()
    if io.budget_type_id == BUDGET_TYPE_IMPRESSIONS:
        io.total_impressions = campaign_impression_sum(session, io.id)
    else:
        total = campaign_budget_sum(session, io.id)
        if total > MAX_IO_TOTAL:
            raise ValidationFailed(f"The IO budget cannot exceed {MAX_IO_TOTAL}.", field="budgetTotal")
        io.total_budget = total


def check_campaign_budgets_fit(session: Session, io: InsertionOrder, *, field: str = "budgetTotal") -> None:
    """Without auto-sum, the IO budget caps the sum of its campaigns' budgets (call after flush)."""
    if io.is_auto_sum_total_budget:
        return
    session.flush()
    if io.budget_type_id == BUDGET_TYPE_IMPRESSIONS:
        used = campaign_impression_sum(session, io.id)
        if io.total_impressions is not None and used > io.total_impressions:
            raise ValidationFailed(
                f"Total impressions of the IO's campaigns ({used}) cannot exceed the IO's total impressions "
                f"({io.total_impressions}).", field=field)
        return
    budget_used = campaign_budget_sum(session, io.id)
    if budget_used > io.total_budget:
        raise ValidationFailed(
            f"Total budget of the IO's campaigns ({wire_number(budget_used)}) cannot exceed the IO budget "
            f"({wire_number(io.total_budget)}).", field=field)


# --------------------------------------------------------------------------- validation


def _require(value: object, field: str, label: str | None = None) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(f"The field '{label or field}' cannot be empty.", field=field)


def check_timezone(timezone_id: int, field: str) -> None:
    if catalog.timezone_by_id(timezone_id) is None:
        raise ValidationFailed("Invalid timezone.", field=field)


def _check_dates(start: datetime, end: datetime | None) -> None:
    if end is not None and end <= start:
        raise ValidationFailed("IO end time must be after the IO start time.", field="ioEndTime")


def _check_budget_type(budget_type_id: int) -> None:
    if budget_type_id not in catalog.BUDGET_TYPES_BY_ID:
        raise ValidationFailed("Invalid IO budget type.", field="ioBudgetTypeId")


def _check_distribution(method_id: int) -> None:
    if method_id not in catalog.BUDGET_DISTRIBUTION_METHODS_BY_ID:
        raise ValidationFailed("Invalid budget distribution method.", field="ioBudgetDistributionMethodId")


# --------------------------------------------------------------------------- commands


def create_io(session: Session, principal: Principal, body: IoCreate) -> InsertionOrder:
    _require(body.io_name, "ioName")
    _require(body.io_start_time, "ioStartTime")
    _require(body.io_end_time, "ioEndTime")
    _require(body.io_time_zone_id, "ioTimeZoneId")
    _require(body.io_budget_type_id, "ioBudgetTypeId")
    _require(body.io_budget_distribution_method_id, "ioBudgetDistributionMethodId")
    assert body.io_budget_type_id is not None and body.io_time_zone_id is not None
    _check_budget_type(body.io_budget_type_id)
    _check_distribution(body.io_budget_distribution_method_id or 0)
    check_timezone(body.io_time_zone_id, "ioTimeZoneId")
    start, end = from_epoch_ms(body.io_start_time), from_epoch_ms(body.io_end_time)
    assert start is not None
    _check_dates(start, end)
    impressions_based = body.io_budget_type_id == BUDGET_TYPE_IMPRESSIONS
    if not body.is_auto_sum_io_total_budget:
        if impressions_based:
            _require(body.io_total_impressions, "ioTotalImpressions")
        else:
            _require(body.io_total_budget, "ioTotalBudget")
    status_id = body.io_status_id or IO_STATUS_ACTIVE
    if status_id not in catalog.IO_STATUSES_BY_ID or status_id == IO_STATUS_DELETED:
        raise ValidationFailed("Invalid IO status.", field="ioStatusId")
    io = InsertionOrder(
        ow_id=principal.ow_id,
        name=(body.io_name or "").strip(),
        start_time=start,
        end_time=end,
        timezone_id=body.io_time_zone_id,
        budget_type_id=body.io_budget_type_id,
        distribution_method_id=body.io_budget_distribution_method_id,
        is_auto_sum_total_budget=body.is_auto_sum_io_total_budget,
        total_budget=Decimal("0") if impressions_based or body.is_auto_sum_io_total_budget
        else money(body.io_total_budget),
        total_impressions=(0 if body.is_auto_sum_io_total_budget else body.io_total_impressions)
        if impressions_based else None,
        status_id=status_id,
        is_io_prioritise=body.is_io_prioritise,
        created_by_uow_id=principal.uow_id,
        modified_by_uow_id=principal.uow_id,
    )
    _refresh_expiry(io)
    session.add(io)
    session.commit()
    return io


def update_io(session: Session, principal: Principal, io_id: int, body: IoUpdate) -> InsertionOrder:
    io = lock_io(session, principal.ow_id, io_id)
    sent = body.model_fields_set
    if "io_name" in sent:
        _require(body.io_name, "ioName")
        io.name = (body.io_name or "").strip()
    if body.io_budget_type_id is not None and body.io_budget_type_id != io.budget_type_id:
        raise ValidationFailed("The budget type of an insertion order cannot be changed.", field="ioBudgetTypeId")
    if body.io_budget_distribution_method_id is not None:
        _check_distribution(body.io_budget_distribution_method_id)
        io.distribution_method_id = body.io_budget_distribution_method_id
    if body.io_time_zone_id is not None:
        check_timezone(body.io_time_zone_id, "ioTimeZoneId")
        io.timezone_id = body.io_time_zone_id
    if body.io_start_time is not None:
        io.start_time = from_epoch_ms(body.io_start_time)  # type: ignore[assignment]
    if body.io_end_time is not None:
        io.end_time = from_epoch_ms(body.io_end_time)
    _check_dates(io.start_time, io.end_time)
    _check_campaigns_inside(session, io)
    if body.is_auto_sum_io_total_budget is not None:
        io.is_auto_sum_total_budget = body.is_auto_sum_io_total_budget
    if not io.is_auto_sum_total_budget:
        if body.io_total_budget is not None and io.budget_type_id == BUDGET_TYPE_CURRENCY:
            io.total_budget = money(body.io_total_budget)  # type: ignore[assignment]
        if body.io_total_impressions is not None and io.budget_type_id == BUDGET_TYPE_IMPRESSIONS:
            io.total_impressions = body.io_total_impressions
    sync_auto_sum(session, io)
    check_campaign_budgets_fit(session, io, field="ioTotalBudget" if io.budget_type_id == BUDGET_TYPE_CURRENCY
                               else "ioTotalImpressions")
    _refresh_expiry(io)
    io.modified_by_uow_id = principal.uow_id
    session.commit()
    return io


def _check_campaigns_inside(session: Session, io: InsertionOrder) -> None:
    """An IO's dates must keep containing the dates of its live campaigns."""
    for campaign in session.scalars(live_campaigns_query(io.id)):
        if (campaign.start_time is not None and campaign.status in ("draft", "pending")
                and campaign.start_time < io.start_time.replace(microsecond=0)):
            raise ValidationFailed(
                f"IO start time cannot be after the start time of campaign {campaign.id}.", field="ioStartTime")
        if io.end_time is not None and campaign.end_time is not None and campaign.end_time > io.end_time:
            raise ValidationFailed(
                f"IO end time cannot be before the end time of campaign {campaign.id}.", field="ioEndTime")


def _refresh_expiry(io: InsertionOrder) -> None:
    """An IO whose end passed is expired; moving its end into the future makes it active again."""
    now = utcnow()
    if io.end_time is not None and io.end_time <= now:
        io.status_id = IO_STATUS_EXPIRED
    elif io.status_id == IO_STATUS_EXPIRED:
        io.status_id = IO_STATUS_ACTIVE


def delete_ios(session: Session, principal: Principal, io_ids: list[int]) -> int:
    """Delete IOs and every campaign in them; all ids must be the caller's, or nothing changes."""
    ios = get_ios(session, principal.ow_id, io_ids, for_update=True)
    for io in ios:
        for campaign in session.scalars(live_campaigns_query(io.id)):
            campaign.status = STATUS_DELETED
        io.status_id = IO_STATUS_DELETED
        io.modified_by_uow_id = principal.uow_id
    session.commit()
    return len(ios)


def update_end_dates(session: Session, principal: Principal, io_ids: list[int], end_ms: int,
                     timezone_id: int | None) -> None:
    if timezone_id is not None:
        check_timezone(timezone_id, "ioTimezoneId")
    end = from_epoch_ms(end_ms)
    for io in get_ios(session, principal.ow_id, io_ids, for_update=True):
        if end is not None and end <= io.start_time:
            raise ValidationFailed(f"IO end time must be after the start time of IO {io.id}.", field="ioEndTime")
        io.end_time = end
        _check_campaigns_inside(session, io)
        _refresh_expiry(io)
        io.modified_by_uow_id = principal.uow_id
    session.commit()


def update_budgets(session: Session, principal: Principal, io_ids: list[int], *, budget: Decimal | None,
                   impressions: int | None, update_type: str) -> None:
    """`add` adds to the current total, `set`/`change` replace it; auto-sum IOs follow their campaigns."""
    if budget is None and impressions is None:
        raise ValidationFailed("budget or ioTotalImpressions is required.", field="budget")
    for io in get_ios(session, principal.ow_id, io_ids, for_update=True):
        if io.is_auto_sum_total_budget:
            raise ValidationFailed(
                f"IO {io.id} keeps its budget equal to the sum of its campaigns' budgets "
                "(isAutoSumIoTotalBudget); change the campaigns' budgets instead.", field="ioIdsList")
        if io.budget_type_id == BUDGET_TYPE_IMPRESSIONS:
            if impressions is None:
                raise ValidationFailed(f"IO {io.id} is impression based: ioTotalImpressions is required.",
                                       field="ioTotalImpressions")
            current = io.total_impressions or 0
            io.total_impressions = current + impressions if update_type == "add" else impressions
            field = "ioTotalImpressions"
        else:
            if budget is None:
                raise ValidationFailed(f"IO {io.id} is budget based: budget is required.", field="budget")
            value = money(budget) or Decimal("0")
            io.total_budget = (io.total_budget + value) if update_type == "add" else value
            field = "budget"
            if io.total_budget > MAX_IO_TOTAL:
                raise ValidationFailed(f"The IO budget cannot exceed {MAX_IO_TOTAL}.", field=field)
        check_campaign_budgets_fit(session, io, field=field)
        io.modified_by_uow_id = principal.uow_id
    session.commit()
