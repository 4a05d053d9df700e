"""HTTP endpoints of the insertion_orders domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
