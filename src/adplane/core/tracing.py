"""Optional OpenTelemetry tracing (`ADPLANE_OTEL_ENABLED=true`, packages from the `otel` extra).

Every HTTP request becomes a server span named by its route template, exported in batches over
OTLP/HTTP. Where to: the standard `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
environment variables (default `http://localhost:4318`). Query strings (signed-URL signatures) are
removed from span attributes; health checks and /metrics are not traced.
"""

from __future__ import annotations

from typing import Any

from adplane.core.settings import Settings

EXCLUDED_URLS = "healthz,readyz,metrics"
_QUERY_ATTRIBUTES = ("http.url", "http.target", "url.full", "url.query")


class TracingUnavailable(RuntimeError):
    pass


def make_exporter() -> Any:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def _strip_query(span: Any, scope: dict) -> None:
    if span is None or not span.is_recording():
        return
    path = scope.get("path", "")
    for key in _QUERY_ATTRIBUTES:
        span.set_attribute(key, "" if key == "url.query" else path)


def install(app: Any, settings: Settings) -> Any | None:
    """Trace `app` when the setting asks for it; returns the tracer provider (shut down at exit), or None."""
    if not settings.otel_enabled:
        return None
    try:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise TracingUnavailable("ADPLANE_OTEL_ENABLED needs the otel extra: pip install 'adplane[otel]'") from exc
    provider = TracerProvider(resource=Resource.create({"service.name": settings.otel_service_name}))
    provider.add_span_processor(BatchSpanProcessor(make_exporter()))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS,
                                       server_request_hook=_strip_query)
    return provider
