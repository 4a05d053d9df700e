"""HTTP endpoints of the insights domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
