"""SDK event ingestion against the live server: refusals name the row and field, nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from adplane.client import AdplaneClient, NotFoundError, ValidationError
from test_client import api, live_server, recorder, server_settings  # noqa: F401 - fixtures


def event(**overrides: Any) -> dict[str, Any]:
    row = {"event_time": "2026-11-20T10:00:00Z", "event_type": "impression", "ow_id": 1, "io_id": 1,
           "campaign_id": 999_999, "creative_id": 1, "creative_type_id": 11}
    row.update(overrides)
    return row


def test_a_batch_naming_an_unknown_campaign_is_refused_whole(api: AdplaneClient, tenant: dict[str, Any]) -> None:  # noqa: F811
    rows = [event(ow_id=tenant["owId"]), event(ow_id=tenant["owId"], event_type="click")]
    with pytest.raises(ValidationError) as caught:
        api.events.ingest(rows, batch_id="b-1")
    assert caught.value.status_code == 422
    assert caught.value.fields == ["rows[1].campaign_id", "rows[2].campaign_id"]  # rows count from 1
    assert caught.value.data["status"] == "rejected"
    with pytest.raises(NotFoundError) as missing:
        api.events.batch("b-1")
    assert missing.value.fields == ["batchId"]


def test_csv_bytes_and_bad_format(api: AdplaneClient, tmp_path) -> None:  # noqa: ANN001, F811
    path = tmp_path / "events.csv"
    path.write_text("event_time,event_type\n2026-11-20T10:00:00Z,nonsense\n")
    with pytest.raises(ValidationError) as caught:
        api.events.ingest(path)
    assert caught.value.fields
    with pytest.raises(ValidationError) as caught:
        api.events.ingest(b"x", format="xml")
    assert caught.value.fields == ["format"]
