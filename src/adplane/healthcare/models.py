"""SQLAlchemy tables of the healthcare domain."""

from __future__ import annotations
