"""One JSON handler for every logger: structlog's and the stdlib's (uvicorn, alembic, httpx, warnings)."""

from __future__ import annotations

import json
import logging
import warnings

import httpx
import pytest
import structlog

from adplane.core.logging import configure_logging, quiet_libraries


@pytest.fixture
def service_logging():  # noqa: ANN201
    """Logging as `adplane serve` / `adplane worker` set it up (library records included)."""
    configure_logging("INFO", libraries=True)
    yield
    quiet_libraries()


def _lines(capsys) -> list[dict]:  # noqa: ANN001
    err = capsys.readouterr().err
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def test_stdlib_and_structlog_records_are_json_lines(service_logging, capsys):
    capsys.readouterr()
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    logging.getLogger("alembic.runtime.migration").info("Running upgrade %s -> %s", "a", "b")
    structlog.get_logger("adplane.test").info("thing_done", password="hunter2", count=3)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("somelib").exception("it failed")
    logging.getLogger("uvicorn.error").debug("below the level")
    records = _lines(capsys)
    assert [(r["logger"], r["event"]) for r in records] == [
        ("uvicorn.error", "Started server process [42]"),
        ("alembic.runtime.migration", "Running upgrade a -> b"),
        ("adplane.test", "thing_done"),
        ("somelib", "it failed"),
    ]
    assert records[2]["password"] == "[redacted]" and records[2]["count"] == 3
    assert "ValueError: boom" in records[3]["exception"] and records[3]["level"] == "error"
    assert all(r["timestamp"].endswith("Z") for r in records)


def test_httpx_request_lines_drop_the_query_and_warnings_are_logs(service_logging, capsys):
    capsys.readouterr()
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=transport) as client:
        client.get("http://files.test/files/abc?signature=SECRET&expires=1")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        logging.captureWarnings(False)  # the test runner swaps showwarning per test: capture afresh in here
        logging.captureWarnings(True)
        warnings.warn("old thing", DeprecationWarning, stacklevel=1)
    records = _lines(capsys)
    request_lines = [r for r in records if r["logger"] == "httpx"]
    assert len(request_lines) == 1
    assert "http://files.test/files/abc" in request_lines[0]["event"] and "SECRET" not in request_lines[0]["event"]
    assert [r["level"] for r in records if r["logger"] == "py.warnings"] == ["warning"]


def test_configuring_twice_keeps_one_handler_and_libraries_stay_quiet_in_an_embedding_program(capsys):
    configure_logging("INFO")
    configure_logging("INFO")
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_adplane", False)]
    assert len(ours) == 1
    capsys.readouterr()
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    logging.getLogger("alembic.runtime.migration").warning("a real problem")
    structlog.get_logger("adplane.test").info("ours")
    assert [r["event"] for r in _lines(capsys)] == ["a real problem", "ours"]
