"""Prometheus metrics, served at `/metrics` (text exposition format).

Process-wide counters and histograms live in prometheus-client's default registry and are updated
where the work happens: the ASGI middleware here (requests by route template and status, latency),
`analytics.store` (event rows stored; the embedded store's deferred rollups: events pending, time to
build them), `events.ingest` (batches by outcome), `reports.service` (report query time). Job queue
depth and lag are read from the database at scrape time (`adplane.jobs.metrics.QueueCollector`), so
they show the queue as every server and worker shares it, not one process's view.
"""

from __future__ import annotations

import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

disable_created_metrics()  # `*_created` series double the output and no dashboard reads them

HTTP_REQUESTS = Counter(
    "adplane_http_requests", "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "adplane_http_request_duration_seconds", "Time to answer an HTTP request (until the response starts).",
    ["method", "route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
EVENT_ROWS = Counter(
    "adplane_event_rows_stored", "Ad-serving event rows stored in the analytics store (any source).",
    ["backend"])
EVENT_BATCHES = Counter(
    "adplane_event_batches", "Validated event batches, by outcome (stored, duplicate, rejected).", ["outcome"])
EVENT_ROWS_REJECTED = Counter(
    "adplane_event_rows_rejected", "Event rows in rejected batches (nothing of such a batch is stored).")
REPORT_QUERY = Histogram(
    "adplane_report_query_duration_seconds",
    "Time to compute a report against the analytics store, by kind (page, file, trend).",
    ["kind", "backend"], buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120))

ROLLUP_PENDING_EVENTS = Gauge(
    "adplane_rollup_pending_events",
    "Events stored whose rollups are not built yet (the embedded store builds them before the next read "
    "of a rollup, or at shutdown).", ["backend"])
ROLLUP_SETTLE = Histogram(
    "adplane_rollup_settle_duration_seconds",
    "Time to build the pending rollups of ingested batches, and the running totals they invalidated.",
    ["backend"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))

UNMATCHED_ROUTE = "<unmatched>"  # 404s: never the raw path, which would make a label per URL


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (`/api/v3/cmp/io/{ioId}`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        elapsed: float | None = None

        async def send_wrapper(message: Message) -> None:
            nonlocal status, elapsed
            if message["type"] == "http.response.start":
                status = message["status"]
                elapsed = time.perf_counter() - started
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = route_template(scope)
            method = scope.get("method", "")
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed if elapsed is not None
                                                       else time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def render(*collectors: Collector) -> tuple[bytes, str]:
    """The exposition text: this process's counters, then what `collectors` read when scraped (the shared
    job queues: `adplane.jobs.metrics.QueueCollector`)."""
    extra = CollectorRegistry(auto_describe=False)
    for collector in collectors:
        extra.register(collector)
    return generate_latest(REGISTRY) + generate_latest(extra), CONTENT_TYPE_LATEST
