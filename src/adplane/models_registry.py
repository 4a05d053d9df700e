"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from __future__ import annotations

import importlib

MODEL_MODULES = [
    "adplane.auth.models",
    "adplane.core.readiness",
    "adplane.jobs.models",
    "adplane.files.models",
    "adplane.creatives.models",
    "adplane.insertion_orders.models",
    "adplane.campaigns.models",
    "adplane.inventory.models",
    "adplane.bidding.models",
    "adplane.audiences.models",
    "adplane.events.models",
    "adplane.reports.models",
    "adplane.schedules.models",
    "adplane.healthcare.models",
    "adplane.insights.models",
    "adplane.conversions.models",
    "adplane.finance.models",
]


def load_all_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
