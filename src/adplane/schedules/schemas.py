"""Wire models of report scheduling (`/api/v3/ra/report/email/schedule`)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from adplane.core.schemas import WireModel


class ScheduleIn(WireModel):
    """The body of POST (every field) and PATCH (only what changes). Types are loose on purpose:
    the service checks each rule and names the field in its 422."""

    report_id: Any = None
    subscriber_emails: Any = None
    file_type: Any = None
    delivery_frequency: Any = None
    delivery_day: Any = None
    event_end_date: Any = None
    running_total_enabled: Any = None
    earliest_campaign_start_date: Any = Field(
        default=None, validation_alias=AliasChoices("earliestCampaignStartDate", "earliestCampaignDate")
    )

    def given(self) -> set[str]:
        """Wire names of the fields present in the body (PATCH changes only these)."""
        return set(self.model_fields_set)
