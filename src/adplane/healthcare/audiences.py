"""Campaign NPI audiences: which prescribers a healthcare campaign targets.

Contract for other domains: `npis_for_campaign(session, campaign_id)` (the delivery simulator
puts these NPIs on a healthcare campaign's impressions), `is_healthcare_campaign`,
`set_campaign_npis` (replace a campaign's matched audience).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adplane.core.errors import ValidationFailed
from adplane.healthcare.models import CampaignNpi
from adplane.healthcare.npi import is_valid_npi


def npis_for_campaign(session: Session, campaign_id: int) -> list[str]:
    """The NPIs of the campaign's matched audience, sorted; empty when it is not healthcare."""
    stmt = select(CampaignNpi.npi).where(CampaignNpi.campaign_id == campaign_id).order_by(CampaignNpi.npi)
    return list(session.scalars(stmt))


def healthcare_campaign_ids(session: Session, ow_id: int) -> set[int]:
    """Ids of the organization's campaigns that have an NPI audience."""
    stmt = select(CampaignNpi.campaign_id).where(CampaignNpi.ow_id == ow_id).distinct()
    return set(session.scalars(stmt))


def is_healthcare_campaign(session: Session, campaign_id: int) -> bool:
    stmt = select(CampaignNpi.id).where(CampaignNpi.campaign_id == campaign_id).limit(1)
    return session.scalar(stmt) is not None


def set_campaign_npis(session: Session, ow_id: int, campaign_id: int, npis: Iterable[str]) -> list[str]:
    """Replace the campaign's NPI audience (caller commits). Invalid NPIs are a 422 naming them."""
    wanted = sorted({str(n).strip() for n in npis})
    bad = [n for n in wanted if not is_valid_npi(n)]
    if bad:
        raise ValidationFailed(f"Invalid NPI: {', '.join(bad[:10])}", field="npis")
    session.execute(delete(CampaignNpi).where(CampaignNpi.campaign_id == campaign_id))
    session.add_all(CampaignNpi(ow_id=ow_id, campaign_id=campaign_id, npi=n) for n in wanted)
    session.flush()
    return wanted
