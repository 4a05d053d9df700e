"""Wire models of insight requests. Dates: PLD/SLS epoch milliseconds, AQS epoch seconds.

Leniency (documented in docs/insights.md): a millisecond field holding a value below 10^11 is
read as seconds (the published samples send seconds), and a seconds field holding a value of
10^11 or more is read as milliseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from adplane.core.schemas import DbId, WireModel

EpochValue = Annotated[int, Field(ge=0, le=10**14)]
SECONDS_LIMIT = 10**11


def from_ms_lenient(value: int | None) -> datetime | None:
    if value is None:
        return None
    seconds = value if value < SECONDS_LIMIT else value / 1000
    return datetime.fromtimestamp(seconds, UTC)


def from_s_lenient(value: int | None) -> datetime | None:
    if value is None:
        return None
    seconds = value / 1000 if value >= SECONDS_LIMIT else value
    return datetime.fromtimestamp(seconds, UTC)


class _GenericNames(WireModel):
    """The specification also lists plain `startDate`, `endDate` and `id`: used when the kind's own
    field is absent."""

    start_date: EpochValue | None = None
    end_date: EpochValue | None = None
    id: DbId | None = None


class PldRequest(_GenericNames):
    campaign_id: DbId | None = None
    pld_id: DbId | None = None
    pld_start_date: EpochValue | None = None
    pld_end_date: EpochValue | None = None

    @model_validator(mode="after")
    def _fallbacks(self) -> PldRequest:
        self.pld_id = self.pld_id if self.pld_id is not None else self.id
        self.pld_start_date = self.pld_start_date if self.pld_start_date is not None else self.start_date
        self.pld_end_date = self.pld_end_date if self.pld_end_date is not None else self.end_date
        return self


class SlsRequest(_GenericNames):
    io_id: DbId | None = None
    campaign_ids: list[DbId] | None = None
    sls_id: DbId | None = None
    sls_start_date: EpochValue | None = None
    sls_end_date: EpochValue | None = None
    sls_name: str | None = None
    sls_lookback_duration: Annotated[int, Field(ge=1, le=24)] | None = None
    concept_group_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None
    report_types: list[Annotated[int, Field(ge=1, le=3)]] | None = None
    competitor_concept_group_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] | None = None

    @model_validator(mode="after")
    def _fallbacks(self) -> SlsRequest:
        self.sls_id = self.sls_id if self.sls_id is not None else self.id
        self.sls_start_date = self.sls_start_date if self.sls_start_date is not None else self.start_date
        self.sls_end_date = self.sls_end_date if self.sls_end_date is not None else self.end_date
        return self


class AudienceConceptGroup(WireModel):
    audience_id: DbId
    concept_group_id: Annotated[int, Field(ge=1, le=2_147_483_647)]


class AqsRequest(WireModel):
    campaign_id: DbId | None = None
    aqs_id: DbId | None = None
    aqs_name: str | None = None
    aqs_start_date: EpochValue | None = None
    aqs_end_date: EpochValue | None = None
    aqs_report_type_id: Annotated[int, Field(ge=1, le=2)] | None = None
    aqs_audience_concept_groups: list[AudienceConceptGroup] | None = None

    @field_validator("aqs_audience_concept_groups", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        """The published sample sends one object where the schema says an array: accept both."""
        return [value] if isinstance(value, dict) else value


class DownloadRequest(WireModel):
    file_type: int | None = None
    file_type_id: int | None = None
    pld_id: DbId | None = None
    sls_id: DbId | None = None
    report_id: DbId | None = None

    @property
    def type_id(self) -> int | None:
        return self.file_type if self.file_type is not None else self.file_type_id


class EmailRequest(DownloadRequest):
    email_ids: list[str] | None = None
