"""SQLAlchemy tables of the events domain."""

from __future__ import annotations
