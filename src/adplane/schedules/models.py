"""SQLAlchemy tables of the schedules domain."""

from __future__ import annotations
