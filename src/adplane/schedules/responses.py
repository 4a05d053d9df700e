"""Answer models of the report-schedule routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from adplane.core.envelopes import ResponseModel


class ScheduleData(ResponseModel):
    """Seed 000's `scheduledData`: absent epochs are 0, an absent day is ""."""

    earliestCampaignStartDate: int  # noqa: N815 - wire name
    reportId: int  # noqa: N815 - wire name
    deliveryFrequency: int  # noqa: N815 - wire name
    fileType: int  # noqa: N815 - wire name
    subscriberEmails: list[str]  # noqa: N815 - wire name
    eventEndDate: int  # noqa: N815 - wire name
    deliveryDay: str  # noqa: N815 - wire name
    runningTotalEnabled: bool  # noqa: N815 - wire name


class ScheduleSaved(ResponseModel):
    scheduledData: ScheduleData  # noqa: N815 - wire name
    message: str
