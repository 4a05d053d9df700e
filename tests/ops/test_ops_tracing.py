"""OpenTelemetry tracing is off by default and, with ADPLANE_OTEL_ENABLED, makes one server span per
request named by its route template, without query strings."""

from __future__ import annotations

from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adplane.app import create_app
from adplane.core import tracing


def test_tracing_is_off_by_default(app):
    assert app.state.tracer_provider is None


def test_requests_become_spans_by_route_template(settings, db, monkeypatch):
    exporter = InMemorySpanExporter()
    monkeypatch.setattr(tracing, "make_exporter", lambda: exporter)
    app = create_app(settings.model_copy(update={"otel_enabled": True, "otel_service_name": "adplane-test"}), db,
                     background=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v3/cmp/io/4242?signature=SECRET").status_code in (401, 403)
        assert client.get("/healthz").status_code == 200
        app.state.tracer_provider.force_flush()
    spans = exporter.get_finished_spans()
    servers = [s for s in spans if s.kind.name == "SERVER"]
    assert [s.name for s in servers] == ["GET /api/v3/cmp/io/{io_id}"]  # health checks are not traced
    span = servers[0]
    assert span.attributes.get("http.route") == "/api/v3/cmp/io/{io_id}"
    assert span.resource.attributes["service.name"] == "adplane-test"
    assert not [s for s in spans for v in s.attributes.values() if "SECRET" in str(v)]
