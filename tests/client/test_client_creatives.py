"""SDK creative methods against the live server: multipart upload, details, edits, approval, lists."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from adplane.client import AdplaneClient, ApiError, NotFoundError, ValidationError
from adplane.client.testing import LiveServer
from test_client import api, client_clock, live_server, recorder, sdk_kwargs, server_settings  # noqa: F401

HTML = "<a href=https://iqm.com/landing><img src=https://cdn.example.com/728x90.jpg></a>"


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def image_item(name: str, source: str) -> dict[str, Any]:
    return {"creativeName": name, "platformCreativeTypeId": 11, "creativeSourceType": "FILE",
            "creativeSource": source, "clickUrl": "https://www.example.com",
            "imageDetails": {"creativeWidth": 1, "creativeHeight": 1}}


def html_item(name: str) -> dict[str, Any]:
    return {"creativeName": name, "platformCreativeTypeId": 13, "creativeSourceType": "HTML", "creativeSource": HTML,
            "clickUrl": "https://www.example.com/landing", "htmlDetails": {"creativeWidth": 728, "creativeHeight": 90}}


def test_upload_read_edit_approve_list(api: AdplaneClient, tmp_path, live_server: LiveServer,  # noqa: ANN001, F811
                                       make_tenant) -> None:  # noqa: ANN001
    banner = tmp_path / "banner.png"
    banner.write_bytes(png(300, 250))
    answer = api.creatives.add(
        {"I1": image_item("banner", "banner.png"), "I2": image_item("square", "square.png"), "H1": html_item("html"),
         "X1": image_item("missing", "nowhere.png")},
        files=[banner, ("square.png", png(250, 250))],
    )
    assert set(answer["successData"]) == {"I1", "I2", "H1"} and set(answer["failedData"]) == {"X1"}
    banner_id = int(answer["successData"]["I1"])
    detail = api.creatives.get(banner_id)
    assert detail["imageDetails"]["creativeWidth"] == 300 and detail["imageDetails"]["creativeHeight"] == 250
    assert api.download(detail["creativeSource"]) == banner.read_bytes()
    api.creatives.update(banner_id, creative_name="banner v2")
    assert api.creatives.get(banner_id)["creativeName"] == "banner v2"
    ids = [int(answer["successData"][k]) for k in ("I1", "I2", "H1")]
    api.creatives.update_status(ids, 2)
    assert {api.creatives.get(i)["creativeStatusId"] for i in ids} == {2}
    listed = api.creatives.list(no_of_entries=2)
    assert listed["totalRecords"] == 3
    assert sorted(int(c["creativeId"]) for c in api.creatives.iter(page_size=2)) == sorted(ids)
    other = make_tenant(organization="Org B", email="admin@b.test")
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, other)) as other_api:
        with pytest.raises(NotFoundError):
            other_api.creatives.get(banner_id)
        with pytest.raises(NotFoundError):
            other_api.creatives.update(banner_id, creative_name="stolen")
        assert other_api.creatives.list()["totalRecords"] == 0
    assert api.creatives.get(banner_id)["creativeName"] == "banner v2"


def test_bad_requests_name_the_field(api: AdplaneClient) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        api.creatives.add({})
    assert caught.value.fields == ["creativeRequest"]
    created = api.creatives.add({"H": html_item("html")})
    with pytest.raises(ApiError) as refused:
        api.creatives.update_status([int(created["successData"]["H"])], 5)  # rejecting needs a reason
    assert refused.value.status_code == 400 and refused.value.fields == ["creativeRejectionReason"]
    assert api.creatives.list()["totalRecords"] == 1
