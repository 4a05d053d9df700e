"""SQLAlchemy tables of the creatives domain."""

from __future__ import annotations
