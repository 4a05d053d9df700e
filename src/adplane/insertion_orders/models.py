"""SQLAlchemy tables of the insertion_orders domain."""

from __future__ import annotations
