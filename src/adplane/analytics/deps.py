"""FastAPI dependency for the analytics store the app opened at start (`app.state.analytics`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from adplane.analytics.store import AnalyticsStore


async def get_analytics(request: Request) -> AnalyticsStore:
    return request.app.state.analytics


AnalyticsDep = Annotated[AnalyticsStore, Depends(get_analytics)]
