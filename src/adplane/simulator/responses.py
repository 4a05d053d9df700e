"""Answer models of the simulator's estimate routes (wire names; Pydantic only, the SDK imports it)."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class ReachEstimate(ResponseModel):
    targetingType: str
    estimatedReachMin: int
    estimatedReachMax: int
    estimatedReachAvg: int
    estimatedImpressionsAvg: int | None = None  # adplane: the day's impressions the reach is counted over
    ignored: dict[str, list[Any]] | None = None  # adplane: values no list knows (they match nobody)


class LandscapeAxis(ResponseModel):
    x: str
    y: str


class BidGuidance(ResponseModel):
    bidfloorPercentile: int
    bidFloor: Number
    numImp: int


class BidLandscape(ResponseModel):
    axis: LandscapeAxis
    bidGuidance: list[BidGuidance]
    basis: str | None = None  # adplane: "events" (the caller's delivered prices) or "model" (the simulator's)
    ignored: dict[str, list[Any]] | None = None


class EstimatedReach(ResponseModel):
    estimated_reach: int
    ignored: dict[str, list[Any]] | None = None


class EstimatorDimensions(ResponseModel):
    targetableAudience: dict[str, bool]
    bidLandscapeEstimation: dict[str, bool]
