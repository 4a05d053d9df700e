"""SQLAlchemy tables of the insights domain."""

from __future__ import annotations
