"""The FastAPI application: every domain's router, the error envelopes, logs and health checks."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from adplane import __version__
from adplane.core.background import BackgroundRunner, PeriodicTask
from adplane.core.db import Database
from adplane.core.errors import install_error_handlers
from adplane.core.logging import RequestLogMiddleware, configure_logging
from adplane.core.settings import Settings, get_settings
from adplane.events.store import open_store

# Each domain exposes `router` in its endpoints module.
ROUTER_MODULES = [
    "adplane.auth.endpoints",
    "adplane.files.endpoints",
    "adplane.master.endpoints",
    "adplane.creatives.endpoints",
    "adplane.insertion_orders.endpoints",
    "adplane.campaigns.endpoints",
    "adplane.events.endpoints",
    "adplane.reports.endpoints",
    "adplane.schedules.endpoints",
    "adplane.insights.endpoints",
]

# Work that runs by itself inside `adplane serve` (time-driven status changes, schedules, ...).
BACKGROUND_TASKS: list[PeriodicTask] = [
    PeriodicTask("schedules", "adplane.schedules.runner:tick", 30.0),
    PeriodicTask("campaign-lifecycle", "adplane.campaigns.lifecycle:tick", 30.0),
    PeriodicTask("analytics-maintenance", "adplane.events.maintenance:periodic", 3600.0),
    PeriodicTask("insights", "adplane.insights.worker:tick", 5.0),
]


def create_app(
    settings: Settings | None = None, db: Database | None = None, *, background: bool | None = None
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    settings.ensure_dirs()
    database = db or Database(settings.resolved_database_url)
    run_background = settings.run_background_jobs if background is None else background

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = BackgroundRunner(database, settings, BACKGROUND_TASKS) if run_background else None
        if runner:
            runner.start()
        try:
            yield
        finally:
            if runner:
                runner.stop()
            app.state.analytics.close()
            if db is None:
                database.dispose()

    app = FastAPI(
        title="adplane",
        version=__version__,
        description="Self-hosted advertising platform API, wire-compatible with IQM's REST API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.analytics = open_store(settings)
    app.add_middleware(RequestLogMiddleware)
    install_error_handlers(app)

    @app.get("/healthz", tags=["Operations"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["Operations"])
    def readyz() -> JSONResponse:
        try:
            with database.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - report, do not crash
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ready"})

    for module_name in ROUTER_MODULES:
        app.include_router(importlib.import_module(module_name).router)
    return app
