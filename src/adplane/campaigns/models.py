"""SQLAlchemy tables of the campaigns domain."""

from __future__ import annotations
