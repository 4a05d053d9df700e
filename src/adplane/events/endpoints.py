"""HTTP endpoints of the events domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
