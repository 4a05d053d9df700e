"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from __future__ import annotations

import importlib

MODEL_MODULES = [
    "adplane.auth.models",
]


def load_all_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
