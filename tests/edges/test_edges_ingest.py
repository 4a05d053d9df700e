"""Re-ingesting the same file content under another batch id (issue #12 point 8): the content digest is
stored with the batch, and a second batch of the same bytes is refused unless explicitly allowed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from adplane.core.settings import get_settings
from adplane.events.ingest import DuplicateContent, content_batch_id, ingest_bytes
from test_events_ingest import BATCHES, count, event_rows, make_campaign, ndjson


def test_same_content_under_another_batch_id_is_refused(db, tenant, store) -> None:
    c = make_campaign(db, tenant["owId"])
    content = ndjson(event_rows(c, 3))
    with db.session() as session:
        first = ingest_bytes(session, store, content, "ndjson", batch_id="day-1", ow_id=tenant["owId"])
        assert first.status == "stored"
        with pytest.raises(DuplicateContent) as refused:
            ingest_bytes(session, store, content, "ndjson", batch_id="day-1-again", ow_id=tenant["owId"])
        assert refused.value.existing_batch_id == "day-1" and refused.value.digest == content_batch_id(content)
        assert count(store) == 3
        # resending under the same id is still the idempotent no-op it always was
        assert ingest_bytes(session, store, content, "ndjson", batch_id="day-1", ow_id=tenant["owId"]).status \
            == "duplicate"
        # explicitly allowed: stored again
        again = ingest_bytes(session, store, content, "ndjson", batch_id="day-1-again", ow_id=tenant["owId"],
                             allow_duplicate_content=True)
        assert again.status == "stored" and count(store) == 6


def test_http_answers_409_naming_the_batch_unless_allowed(client, db, tenant, headers, other_headers) -> None:
    c = make_campaign(db, tenant["owId"])
    content = ndjson(event_rows(c, 2))
    post = {"headers": {**headers, "Content-Type": "application/x-ndjson"}}
    assert client.post(BATCHES, content=content, params={"batchId": "a"}, **post).status_code == 201
    refused = client.post(BATCHES, content=content, params={"batchId": "b"}, **post)
    assert refused.status_code == 409
    body = refused.json()
    assert body["success"] is False and body["errorObjects"][0]["field"] == "batchId"
    assert "batch a" in body["errorObjects"][0]["error"]
    assert body["data"]["existingBatchId"] == "a" and body["data"]["contentDigest"].startswith("sha256:")
    assert client.get(f"{BATCHES}/b", headers=headers).status_code == 404
    allowed = client.post(BATCHES, content=content, params={"batchId": "b", "allowDuplicateContent": "true"}, **post)
    assert allowed.status_code == 201 and allowed.json()["data"]["events"] == 2
    # the digest of one organization's batches says nothing to another one (its campaigns are unknown there)
    foreign = client.post(BATCHES, content=content, params={"batchId": "c"},
                          headers={**other_headers, "Content-Type": "application/x-ndjson"})
    assert foreign.status_code != 409


def test_cli_refuses_unless_allow_duplicate_content(db, tenant, settings, tmp_path, monkeypatch) -> None:
    from adplane.cli.main import app as cli

    c = make_campaign(db, tenant["owId"])
    path = tmp_path / "day.ndjson"
    path.write_bytes(ndjson(event_rows(c, 2)))
    monkeypatch.setenv("ADPLANE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", settings.resolved_database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        first = runner.invoke(cli, ["events", "ingest", str(path), "--batch-id", "cli-1", "--json"])
        assert first.exit_code == 0, first.output
        second = runner.invoke(cli, ["events", "ingest", str(path), "--batch-id", "cli-2"])
        assert second.exit_code == 1 and "REFUSED" in second.output and "cli-1" in second.output
        third = runner.invoke(cli, ["events", "ingest", str(path), "--batch-id", "cli-2", "--allow-duplicate-content"])
        assert third.exit_code == 0, third.output
    finally:
        get_settings.cache_clear()
