"""Bounded resources and honest operations (issue #12 points 5 and 7): log lines are capped, partial
report/insight files never look finished, /readyz probes real writes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import structlog
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from adplane.analytics.store import DuckDBStore, PostgresStore
from adplane.app import create_app
from adplane.core.db import Database
from adplane.core.logging import configure_logging
from adplane.files import service as files


def test_log_lines_are_capped_and_stay_json(capsys) -> None:
    configure_logging("INFO", max_line_chars=1000)
    try:
        structlog.get_logger("test").info("big", payload="x" * 50_000, other="y" * 5000, number=7)
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert len(line) <= 1000
        record = json.loads(line)
        assert record["truncated"] is True and record["event"] == "big" and record["number"] == 7
        structlog.get_logger("test").info("small", payload="short")
        record = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert "truncated" not in record and record["payload"] == "short"
    finally:
        configure_logging("INFO")


# ------------------------------------------------------------------ point 7: /readyz probes real writes

READ_ONLY_PG = "options=-c%20default_transaction_read_only%3Don"


def _read_only_url(url: str, tmp_path) -> str:  # noqa: ANN001
    """The same database, opened so that reads work and every write fails."""
    if url.startswith("sqlite"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    return f"{url}{'&' if '?' in url else '?'}{READ_ONLY_PG}"


def test_readyz_is_ready_when_everything_takes_a_write(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


def test_readyz_fails_when_the_data_dir_cannot_be_written(client, settings) -> None:
    data_dir = Path(settings.data_dir)
    shutil.rmtree(data_dir)
    data_dir.write_text("not a directory any more")  # root ignores permissions; a file in its place does not
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["success"] is False and body["checks"]["dataDir"] != "ok"
    assert [obj["field"] for obj in body["errorObjects"]] == ["dataDir"]


def test_readyz_fails_when_the_database_cannot_commit(settings, db, database_url, tmp_path) -> None:
    read_only = Database(_read_only_url(database_url, tmp_path))
    try:
        with read_only.engine.connect() as conn:  # what the old check did: this still succeeds
            assert conn.execute(text("SELECT 1")).scalar() == 1
        with TestClient(create_app(settings, read_only, background=False)) as test_client:
            response = test_client.get("/readyz")
        assert response.status_code == 503
        assert [obj["field"] for obj in response.json()["errorObjects"]] == ["database"]
    finally:
        read_only.dispose()


def test_readyz_fails_when_the_analytics_store_cannot_commit(client, settings, database_url, tmp_path) -> None:
    if database_url.startswith("sqlite"):
        path = tmp_path / "ro.duckdb"
        DuckDBStore(path).close()
        store = DuckDBStore(path, read_only=True)
    else:
        store = PostgresStore(database_url, schema=settings.analytics_schema)
        store._engine.dispose()

        @event.listens_for(store._engine, "connect")
        def _read_only(dbapi_connection, _record) -> None:  # noqa: ANN001
            dbapi_connection.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()

    writable, client.app.state.analytics = client.app.state.analytics, store
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert [obj["field"] for obj in response.json()["errorObjects"]] == ["analytics"]
    finally:
        client.app.state.analytics = writable
        store.close()


# ------------------------------------------------------------------ point 5: partial files of killed writes


def test_a_failed_report_write_leaves_no_file_under_the_final_name(settings, tmp_path) -> None:
    target = files.new_file_path(settings, "reports", 1, ".csv")
    with pytest.raises(RuntimeError), files.written_atomically(target) as partial:
        partial.write_text("half a report")
        assert partial != target and partial.name.startswith(".")
        raise RuntimeError("killed mid-write")
    assert not target.exists() and list(target.parent.iterdir()) == []
    with files.written_atomically(target) as partial:
        partial.write_text("whole report")
        assert not target.exists()  # readers never see it until it is complete
    assert target.read_text() == "whole report" and list(target.parent.iterdir()) == [target]


def test_report_downloads_are_written_under_a_temporary_name(client, headers, settings, monkeypatch) -> None:
    from adplane.reports import writers

    seen: list[Path] = []
    real = writers.write_csv

    def spy(path, *args, **kwargs) -> None:  # noqa: ANN001
        seen.append(path)
        real(path, *args, **kwargs)

    monkeypatch.setattr(writers, "write_csv", spy)
    body = {"reportName": "atomic", "startDate": 1_700_000_000_000, "endDate": 1_700_086_400_000,
            "dimensions": json.dumps([{"filter": "campaign"}]), "columns": ["campaignId", "impressions"],
            "requestType": 1, "timezoneId": 29}
    response = client.post("/api/v3/ra/report/download", headers=headers, json=body)
    assert response.status_code == 200, response.text
    assert seen and all(files.PARTIAL_MARK in p.name for p in seen)
    assert not any(files.PARTIAL_MARK in p.name for p in (Path(settings.data_dir) / "files").rglob("*"))


def test_leftover_partial_files_are_removed_on_start(settings, db) -> None:
    folder = Path(settings.data_dir) / "files" / "insights-pld" / "7"
    folder.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = folder / f".abc{files.PARTIAL_MARK}{dead.pid}-0a1b2c3d.xlsx"
    stale = folder / f".def{files.PARTIAL_MARK}{os.getpid()}-0a1b2c3e.csv"
    live = folder / f".ghi{files.PARTIAL_MARK}{os.getpid()}-0a1b2c3f.csv"
    finished = folder / "f00d.xlsx"
    for path in (orphan, stale, live, finished):
        path.write_text("x")
    old = time.time() - files.PARTIAL_STALE_SECONDS - 60
    os.utime(stale, (old, old))
    with TestClient(create_app(settings, db, background=False)):
        pass
    assert not orphan.exists() and not stale.exists()
    assert live.exists() and finished.exists()  # a write in progress in a live process, a finished file
