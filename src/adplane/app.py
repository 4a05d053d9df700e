"""The FastAPI application: every domain's router, the error envelopes, logs and health checks."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline

from adplane import __version__
from adplane.analytics import handle as analytics_handle
from adplane.core import tracing
from adplane.core.db import Database
from adplane.core.envelopes import Health
from adplane.core.errors import install_error_handlers
from adplane.core.limits import BodyLimitMiddleware, ShieldMiddleware
from adplane.core.logging import RequestLogMiddleware, configure_logging
from adplane.core.metrics import MetricsMiddleware, render
from adplane.core.openapi import install_openapi
from adplane.core.readiness import check_all
from adplane.core.routing import add_router, install_prefix_dispatch
from adplane.core.settings import Settings, get_settings
from adplane.job_kinds import load_job_kinds
from adplane.jobs.metrics import QueueCollector
from adplane.jobs.runner import BackgroundRunner

# Each domain exposes `router` in its endpoints module.
ROUTER_MODULES = [
    "adplane.auth.endpoints",
    "adplane.auth.user_endpoints",
    "adplane.auth.app_endpoints",
    "adplane.auth.customer_endpoints",
    "adplane.auth.advertiser_endpoints",
    "adplane.auth.workspace_endpoints",
    "adplane.files.endpoints",
    "adplane.master.endpoints",
    "adplane.creatives.endpoints",
    "adplane.insertion_orders.endpoints",
    "adplane.campaigns.endpoints",
    "adplane.campaigns.audience_endpoints",
    "adplane.campaigns.include_exclude_endpoints",
    "adplane.inventory.endpoints",
    "adplane.bidding.endpoints",
    "adplane.audiences.derived_endpoints",
    "adplane.healthcare.abm_endpoints",
    "adplane.audiences.endpoints",
    "adplane.audiences.kind_endpoints",
    "adplane.audiences.segment_endpoints",
    "adplane.events.endpoints",
    "adplane.simulator.endpoints",
    "adplane.simulator.estimation_endpoints",
    "adplane.reports.endpoints",
    "adplane.schedules.endpoints",
    "adplane.insights.endpoints",
    "adplane.conversions.endpoints",
    "adplane.finance.endpoints",
    "adplane.finance.credit_endpoints",
    "adplane.finance.invoice_endpoints",
    "adplane.finance.paypal_endpoints",
    "adplane.console.endpoints",
    "adplane.sandbox.endpoints",
]


def create_app(
    settings: Settings | None = None, db: Database | None = None, *, background: bool | None = None
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_line_max_chars)
    settings.ensure_dirs()
    database = db or Database(settings.resolved_database_url)
    run_background = settings.run_background_jobs if background is None else background

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from adplane.files.service import remove_partial_files

        remove_partial_files(settings)  # half-written report/insight files of a killed process
        # every registered job kind (adplane.job_kinds) runs in this process too
        runner = BackgroundRunner(database, settings, load_job_kinds().select()) if run_background else None
        if runner:
            runner.start()
        try:
            yield
        finally:
            if runner:
                runner.stop()
            analytics_handle.release(settings)
            if app.state.tracer_provider is not None:
                app.state.tracer_provider.shutdown()  # sends the spans still buffered
            if db is None:
                database.dispose()

    # Swagger UI and ReDoc from the assets fastapi-offline ships: the docs work without reaching a CDN.
    app = FastAPIOffline(
        title="adplane",
        version=__version__,
        description="Self-hosted advertising platform API, wire-compatible with IQM's REST API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.analytics = analytics_handle.acquire(settings)  # shared with the background jobs
    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(ShieldMiddleware)
    app.add_middleware(BodyLimitMiddleware, settings=settings)  # before parsing and authentication
    app.add_middleware(MetricsMiddleware)  # outermost: counts and times every request, even a refused one
    install_error_handlers(app)
    app.state.tracer_provider = tracing.install(app, settings)

    @app.get("/healthz", tags=["Operations"], response_model=Health)
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["Operations"], response_model=Health, responses={503: {"model": Health}})
    def readyz() -> JSONResponse:
        """Ready only when the data dir takes a file and both databases commit a write (503 otherwise)."""
        checks = check_all(settings.data_dir, database, app.state.analytics)
        failed = [name for name, outcome in checks.items() if outcome != "ok"]
        if failed:
            errors = [{"error": f"{name} is not writable: {checks[name]}", "field": name} for name in failed]
            body = {"success": False, "status": "unavailable", "checks": checks, "errorObjects": errors}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", tags=["Operations"], include_in_schema=False)
    def metrics() -> Response:
        body, content_type = render(QueueCollector(database))
        return Response(body, media_type=content_type)

    for module_name in ROUTER_MODULES:
        add_router(app, importlib.import_module(module_name).router)
    from adplane.console.endpoints import install_console

    install_console(app)  # after the API routes: the console only answers what they do not
    install_openapi(app)
    install_prefix_dispatch(app)  # last: it files the routes registered by now
    return app
