"""HTTP endpoints of the master domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
