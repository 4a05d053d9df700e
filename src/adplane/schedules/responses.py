"""Answer models of the report-schedule routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from adplane.core.envelopes import ResponseModel


class ScheduleData(ResponseModel):
    """Seed 000's `scheduledData`: absent epochs are 0, an absent day is ""."""

    earliestCampaignStartDate: int
    reportId: int
    deliveryFrequency: int
    fileType: int
    subscriberEmails: list[str]
    eventEndDate: int
    deliveryDay: str
    runningTotalEnabled: bool


class ScheduleSaved(ResponseModel):
    scheduledData: ScheduleData
    message: str
