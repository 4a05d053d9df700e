"""Response models of the Finance API (wire names)."""

from __future__ import annotations

from adplane.core.envelopes import ResponseModel


class StaticItem(ResponseModel):
    name: str
    id: int
    label: str
    order: int
