"""HTTP endpoints of the reports domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
