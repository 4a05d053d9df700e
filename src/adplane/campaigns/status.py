"""Status changes asked for through update-status: pause, resume, delete, approve, reject.

draft → pending (by editing) → running (approved by a workspace admin, from startTime) ↔ paused
→ expired (time or budget); pending → rejected; anything → deleted. Each campaign gets its own
verdict: refused campaigns are listed with a reason and left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from adplane.campaigns.models import (
    STATUS_DELETED,
    STATUS_PAUSED,
    STATUS_PENDING,
    STATUS_REJECTED,
    STATUS_RUNNING,
    Campaign,
)
from adplane.campaigns.service import get_campaign
from adplane.core.clock import as_utc, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import Forbidden, ValidationFailed
from adplane.core.listing import parse_ids
from adplane.insertion_orders import service as io_service

REQUESTABLE = (STATUS_RUNNING, STATUS_PAUSED, STATUS_DELETED, STATUS_REJECTED)


@dataclass
class BulkOutcome:
    reason: list[dict] = field(default_factory=list)
    modified: list[dict] = field(default_factory=list)

    def refuse(self, campaign: Campaign, message: str) -> None:
        self.reason.append({"errorMessage": message, "id": str(campaign.id), "campaignName": campaign.name})

    @property
    def ok(self) -> bool:
        return not self.reason


def _verdict(campaign: Campaign, target: str, principal: Principal) -> str | None:
    """None when the move is allowed, else why not."""
    current = campaign.status
    if current == target:
        return f"Campaign is already {current}."
    if target == STATUS_DELETED:
        return None
    if target == STATUS_PAUSED:
        return None if current == STATUS_RUNNING else f"Only running campaigns can be paused (status is {current})."
    if target == STATUS_RUNNING:
        if current == STATUS_PAUSED:
            return None
        if current == STATUS_PENDING:
            return None if principal.is_workspace_admin else "Only workspace admins can approve campaigns."
        return f"A {current} campaign cannot be set to running."
    if target == STATUS_REJECTED:
        if current != STATUS_PENDING:
            return f"Only pending campaigns can be rejected (status is {current})."
        return None if principal.is_workspace_admin else "Only workspace admins can reject campaigns."
    return f"Status cannot be changed to {target}."


def _apply(campaign: Campaign, target: str, rejection_reason: str | None) -> None:
    now = utcnow()
    if target == STATUS_RUNNING and campaign.status == STATUS_PENDING:
        # Approval: the campaign runs from its start time (the lifecycle tick starts future ones).
        campaign.is_approved = True
        start = campaign.start_time
        campaign.status = STATUS_RUNNING if start is not None and as_utc(start) <= now else STATUS_PENDING
        return
    if target == STATUS_REJECTED:
        campaign.rejection_reason = rejection_reason
        campaign.is_approved = False
    campaign.status = target


def update_statuses(session: Session, principal: Principal, raw_ids: object, status: str,
                    rejection_reason: str | None) -> BulkOutcome:
    target = status.strip().lower()
    if target not in REQUESTABLE:
        raise ValidationFailed(f"status must be one of {', '.join(REQUESTABLE)}.", field="status")
    ids = parse_ids(raw_ids, "campaignIds", required=True)
    if target == STATUS_REJECTED and not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins can reject campaigns.", field="status")
    if target == STATUS_REJECTED and not (rejection_reason or "").strip():
        raise ValidationFailed("rejectionReason is required to reject a campaign.", field="rejectionReason")
    campaigns = [get_campaign(session, principal.ow_id, cid, field="campaignIds") for cid in ids]
    # Lock the IOs first (in id order, so concurrent requests cannot deadlock), then the campaigns.
    ios = {io_id: io_service.lock_io(session, principal.ow_id, io_id) for io_id in sorted({c.io_id for c in campaigns})}
    outcome = BulkOutcome()
    for cid in ids:
        campaign = get_campaign(session, principal.ow_id, cid, for_update=True, field="campaignIds")
        message = _verdict(campaign, target, principal)
        if message is None and target == STATUS_RUNNING:
            end = campaign.end_time or ios[campaign.io_id].end_time
            if end is not None and as_utc(end) <= utcnow():
                message = "The campaign's end date has passed; extend it first."
        if message is not None:
            outcome.refuse(campaign, message)
            continue
        _apply(campaign, target, (rejection_reason or "").strip() or None)
        outcome.modified.append({"campaignId": campaign.id, "status": campaign.status})
    for io in ios.values():
        io_service.sync_auto_sum(session, io)
    session.commit()
    return outcome

