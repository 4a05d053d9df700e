"""Creatives: IQM's multipart upload contract, offline validation, details, edits, list, approval."""

from __future__ import annotations

import io
import json
import struct
import wave
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import update

from adplane.creatives import service
from adplane.creatives.models import Creative

ADD = "/api/v3/crt/creatives"
LIST = "/api/v3/crt/creatives/list"
STATUS = "/api/v3/crt/creatives/update-status"

VAST = """<?xml version="1.0" encoding="UTF-8"?>
<VAST version="4.0" xmlns="http://www.iab.com/VAST">
  <Ad id="a1" sequence="1">
    <InLine>
      <AdSystem version="4.0">adplane-test</AdSystem>
      <AdTitle>Spot</AdTitle>
      <Impression id="imp"><![CDATA[https://track.example.com/imp]]></Impression>
      <Creatives>
        <Creative id="c1">
          <Linear>
            <Duration>00:00:15.500</Duration>
            <MediaFiles>
              <MediaFile delivery="progressive" type="video/mp4" width="640" height="360">
                <![CDATA[https://cdn.example.com/spot-360.mp4]]>
              </MediaFile>
              <MediaFile delivery="progressive" type="video/mp4" width="1920" height="1080">
                <![CDATA[https://cdn.example.com/spot-1080.mp4]]>
              </MediaFile>
            </MediaFiles>
          </Linear>
        </Creative>
      </Creatives>
    </InLine>
  </Ad>
</VAST>"""
MALFORMED_VAST = '<VAST version="4.0"><Ad id="1"><InLine><AdSystem>x</AdSystem></Ad></VAST>'
HTML = "<a href=https://iqm.com/political><img src=https://cdn.example.com/w24-728x90.jpg></a>"


def png_bytes(width: int, height: int, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 160, 90)).save(buffer, format=fmt)
    return buffer.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4_bytes(seconds: int, width: int, height: int) -> bytes:
    """A minimal ISO media file: ftyp, then moov with mvhd (duration) and one trak's tkhd (size)."""
    mvhd = bytes(4) + struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + bytes(80)
    tkhd = bytes(4) + struct.pack(">IIIII", 0, 0, 1, 0, seconds * 1000) + bytes(8) + bytes(8) + bytes(36)
    tkhd += struct.pack(">II", width << 16, height << 16)
    moov = _box(b"moov", _box(b"mvhd", mvhd) + _box(b"trak", _box(b"tkhd", tkhd)))
    return _box(b"ftyp", b"isom" + bytes(4) + b"isommp41") + moov + _box(b"mdat", bytes(64))


def wav_bytes(seconds: int, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(2 * rate * seconds))
    return buffer.getvalue()


def ogg_bytes(seconds: int, rate: int = 44100) -> bytes:
    """First page with a Vorbis identification header, last page with the final granule position."""
    first = b"OggS\x00\x02" + struct.pack("<q", 0) + bytes(16) + b"\x01vorbis" + struct.pack("<IBI", 0, 2, rate)
    last = b"OggS\x00\x04" + struct.pack("<q", rate * seconds) + bytes(20)
    return first + bytes(200) + last


DAAST = """<DAAST version="1.0"><Ad id="d1"><InLine><AdSystem>x</AdSystem><AdTitle>Audio</AdTitle>
<Creatives><Creative><Linear><Duration>00:00:30</Duration><MediaFiles>
<MediaFile delivery="progressive" type="audio/mpeg"><![CDATA[https://cdn.example.com/a.mp3]]></MediaFile>
</MediaFiles></Linear></Creative></Creatives></InLine></Ad></DAAST>"""


def image_item(name: str = "banner", source: str = "banner.png", **extra) -> dict:
    item = {"creativeName": name, "externalCreativeId": "ext-1", "platformCreativeTypeId": 11,
            "creativeSourceType": "FILE", "creativeSource": source, "clickUrl": "www.example.com",
            "imageDetails": {"pixelUrl": "https://pixel.example.com/p", "creativeWidth": 750, "creativeHeight": 750}}
    item.update(extra)
    return item


def html_item(name: str = "html") -> dict:
    return {"creativeName": name, "platformCreativeTypeId": 13, "creativeSourceType": "HTML",
            "creativeSource": HTML, "clickUrl": "https://www.example.com/landing",
            "htmlDetails": {"creativeWidth": 728, "creativeHeight": 90}}


def upload(client, headers, request_map: dict, files: list[tuple[str, bytes, str]] | None = None):
    multipart = [("creativeFiles", (name, content, mime)) for name, content, mime in files or []]
    return client.post(ADD, headers=headers, data={"creativeRequest": json.dumps(request_map)},
                       files=multipart or None)


def create_one(client, headers, item: dict, files=None) -> int:
    response = upload(client, headers, {"K": item}, files)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["failedData"] == {}, data
    return int(data["successData"]["K"])


def details(client, headers, creative_id: int) -> dict:
    response = client.get(f"{ADD}/{creative_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


# --------------------------------------------------------------------------- upload


def test_image_file_upload_reads_dimensions_from_the_file_and_serves_it(client, headers, tenant):
    png = png_bytes(300, 250)
    response = upload(client, headers, {"I001": image_item()}, [("banner.png", png, "image/png")])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert set(body["data"]) == {"successData", "failedData"}
    creative_id = int(body["data"]["successData"]["I001"])
    assert creative_id >= 700001

    data = details(client, headers, creative_id)
    assert data["creativeName"] == "banner"
    assert data["platformCreativeTypeId"] == 11 and data["rtbCreativeTypeId"] == 1
    assert data["creativeStatusId"] == 1  # pending until approved
    assert data["creativeSourceType"] == "file"
    # the file says 300x250 whatever the client declared
    assert data["imageDetails"] == {"pixelUrl": "https://pixel.example.com/p", "creativeWidth": 300,
                                    "creativeHeight": 250}
    assert data["organizationDetails"] == {"owId": tenant["owId"], "organizationName": "Org A"}
    assert data["userDetails"]["userEmail"] == "admin@a.test"
    assert data["userDetails"]["hasApprovalAccess"] is True
    assert data["modifiedAt"].endswith("+00:00")

    served = client.get(urlsplit(data["creativeSource"]).path)
    assert served.status_code == 200
    assert served.content == png
    assert served.headers["content-type"] == "image/png"
    for field, box in (("creativeThumbnailSource", (136, 82)), ("creativeCardSource", (278, 220))):
        preview = client.get(urlsplit(data[field]).path)
        assert preview.status_code == 200
        with Image.open(io.BytesIO(preview.content)) as image:
            assert image.format == "PNG"
            assert image.width <= box[0] and image.height <= box[1]
            assert box[1] in image.size or box[0] in image.size  # scaled to fit, aspect kept
            assert abs(image.width / image.height - 300 / 250) < 0.05


def test_video_audio_and_vast_creatives_take_duration_and_size_from_their_content(client, headers):
    request_map = {
        "V001": {"creativeName": "video-file", "platformCreativeTypeId": 14, "creativeSourceType": "FILE",
                 "creativeSource": "spot.mp4", "clickUrl": "www.example.com",
                 "videoDetails": {"duration": 99, "customTracking": {"startUrl": "https://t.example.com/s",
                                                                     "completeURL": "https://t.example.com/c"}}},
        "V004": {"creativeName": "video-vast", "platformCreativeTypeId": 14, "creativeSourceType": "VAST_XML",
                 "creativeSource": VAST},
        "A001": {"creativeName": "audio-file", "platformCreativeTypeId": 17, "creativeSourceType": "FILE",
                 "creativeSource": "jingle.wav",
                 "audioDetails": {"duration": 30, "logoSource": "https://cdn.example.com/logo.png"}},
        "A002": {"creativeName": "audio-mp3", "platformCreativeTypeId": 17, "creativeSourceType": "FILE",
                 "creativeSource": "spot.mp3"},
        "A004": {"creativeName": "audio-ogg", "platformCreativeTypeId": 17, "creativeSourceType": "FILE",
                 "creativeSource": "spot.ogg"},
        "A006": {"creativeName": "audio-daast", "platformCreativeTypeId": 17, "creativeSourceType": "DAAST_XML",
                 "creativeSource": DAAST},
        "A003": {"creativeName": "audio-vast-url", "platformCreativeTypeId": 17, "creativeSourceType": "VAST_URL",
                 "creativeSource": "https://cdn.example.com/audio-vast.xml"},
    }
    # ID3v2 header (no frames), then MPEG-1 Layer III 128 kbit/s frames: 32000 bytes are 2 seconds
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + (b"\xff\xfb\x90\x00" + bytes(414)) * 76 + bytes(232)
    files = [("spot.mp4", mp4_bytes(22, 1280, 720), "video/mp4"), ("jingle.wav", wav_bytes(3), "audio/wav"),
             ("spot.mp3", mp3, "audio/mpeg"), ("spot.ogg", ogg_bytes(4), "audio/ogg")]
    response = upload(client, headers, request_map, files)
    data = response.json()["data"]
    assert data["failedData"] == {}
    ids = {key: int(value) for key, value in data["successData"].items()}

    video = details(client, headers, ids["V001"])["videoDetails"]
    assert (video["duration"], video["creativeWidth"], video["creativeHeight"]) == (22, 1280, 720)
    assert video["customTracking"] == {"startUrl": "https://t.example.com/s", "completeURL": "https://t.example.com/c"}

    vast = details(client, headers, ids["V004"])
    assert vast["creativeSourceType"] == "vast_xml"
    assert vast["videoDetails"]["duration"] == 16  # 15.5 s rounded
    assert (vast["videoDetails"]["creativeWidth"], vast["videoDetails"]["creativeHeight"]) == (1920, 1080)
    assert vast["creativeSource"].startswith("<?xml")

    audio = details(client, headers, ids["A001"])["audioDetails"]
    assert audio["duration"] == 3
    assert audio["logoSource"] == "https://cdn.example.com/logo.png"
    assert details(client, headers, ids["A002"])["audioDetails"]["duration"] == 2
    assert details(client, headers, ids["A004"])["audioDetails"]["duration"] == 4
    daast = details(client, headers, ids["A006"])
    assert daast["creativeSourceType"] == "daast_xml" and daast["audioDetails"]["duration"] == 30
    assert details(client, headers, ids["A003"])["creativeSource"] == "https://cdn.example.com/audio-vast.xml"


def test_one_bad_creative_does_not_stop_the_others(client, headers):
    request_map = {
        "GOOD_HTML": html_item(),
        "GOOD_VAST": {"creativeName": "vast", "platformCreativeTypeId": 14, "creativeSourceType": "VAST_XML",
                      "creativeSource": VAST},
        "BAD_VAST": {"creativeName": "broken", "platformCreativeTypeId": 14, "creativeSourceType": "VAST_XML",
                     "creativeSource": MALFORMED_VAST},
        "NOT_VAST": {"creativeName": "daast", "platformCreativeTypeId": 14, "creativeSourceType": "VAST_XML",
                     "creativeSource": "<DAAST version='1.0'><Ad><InLine/></Ad></DAAST>"},
        "NO_FILE": image_item(source="missing.png"),
        "BAD_CLICK": {**html_item(), "clickUrl": "not a url"},
        "FTP_CLICK": {**html_item(), "clickUrl": "ftp://example.com/x"},
        "WRONG_KIND": image_item(source="clip.mp4"),
        "BAD_TYPE": {**html_item(), "platformCreativeTypeId": 12},
        "BAD_COMBO": {**html_item(), "platformCreativeTypeId": 11},
        "NO_NAME": {**html_item(), "creativeName": "  "},
        "HTML_NO_SIZE": {**html_item(), "htmlDetails": None},
        "NOT_HTML": {**html_item(), "creativeSource": "just words"},
        "IMAGE_URL_IS_VIDEO": {**image_item(), "creativeSourceType": "URL",
                               "creativeSource": "https://cdn.example.com/a.mp4"},
        "NOT_OBJECT": "hello",
    }
    files = [("clip.mp4", mp4_bytes(5, 640, 360), "video/mp4")]
    response = upload(client, headers, request_map, files)
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data["successData"]) == {"GOOD_HTML", "GOOD_VAST"}
    failed = data["failedData"]
    assert set(failed) == set(request_map) - {"GOOD_HTML", "GOOD_VAST"}
    assert "not well-formed" in failed["BAD_VAST"]
    assert "<VAST> root" in failed["NOT_VAST"]
    assert failed["NO_FILE"].startswith("Creative file missing. Please attach the required file.")
    assert "clickUrl is not a valid URL" in failed["BAD_CLICK"]
    assert "http or https" in failed["FTP_CLICK"]
    assert "needs image" in failed["WRONG_KIND"]
    assert "platformCreativeTypeId 12" in failed["BAD_TYPE"]
    assert "HTML is not allowed for Image" in failed["BAD_COMBO"]
    assert failed["NO_NAME"].startswith("creativeName")
    assert "htmlDetails.creativeWidth" in failed["HTML_NO_SIZE"]
    assert "no HTML element" in failed["NOT_HTML"]
    assert "video file" in failed["IMAGE_URL_IS_VIDEO"]
    assert "JSON object" in failed["NOT_OBJECT"]

    listed = client.post(LIST, headers=headers, json={}).json()["data"]
    assert listed["filteredRecords"] == 2


def test_file_type_and_size_limits(client, headers):
    jpeg_named_png = png_bytes(10, 10, fmt="JPEG")
    big_gif = b"GIF89a" + bytes(760 * 1024)
    request_map = {
        "LIE": image_item(source="fake.png"),
        "BIG": image_item(source="huge.gif"),
        "EXE": image_item(source="tool.exe"),
        "JUNK_MP4": {"creativeName": "v", "platformCreativeTypeId": 14, "creativeSourceType": "FILE",
                     "creativeSource": "junk.mp4"},
        "JUNK_WAV": {"creativeName": "a", "platformCreativeTypeId": 17, "creativeSourceType": "FILE",
                     "creativeSource": "junk.wav"},
        "OK_GIF": image_item(source="small.gif"),
        "BOMB": image_item(source="bomb.png"),
        "PATHED": image_item(source="assets/small.gif"),  # matched by its base name
    }
    bomb = io.BytesIO()
    Image.new("1", (8000, 6000)).save(bomb, format="PNG")  # tiny file, 48 million pixels
    files = [
        ("fake.png", jpeg_named_png, "image/png"),
        ("huge.gif", big_gif, "image/gif"),
        ("tool.exe", b"MZ" + bytes(100), "application/octet-stream"),
        ("junk.mp4", b"not a movie at all", "video/mp4"),
        ("junk.wav", b"RIFF\x00\x00\x00\x00WAVEjunk", "audio/wav"),
        ("small.gif", png_bytes(64, 48, fmt="GIF"), "image/gif"),
        ("bomb.png", bomb.getvalue(), "image/png"),
    ]
    data = upload(client, headers, request_map, files).json()["data"]
    assert set(data["successData"]) == {"OK_GIF", "PATHED"}
    failed = data["failedData"]
    assert "is a JPEG image, not PNG" in failed["LIE"]
    assert "limit for GIF files is 750KB" in failed["BIG"]
    assert "not supported" in failed["EXE"]
    assert "not a valid MP4/MOV video" in failed["JUNK_MP4"]
    assert "not a valid WAV audio file" in failed["JUNK_WAV"]
    assert "8000x6000" in failed["BOMB"]
    gif = details(client, headers, int(data["successData"]["OK_GIF"]))
    assert (gif["imageDetails"]["creativeWidth"], gif["imageDetails"]["creativeHeight"]) == (64, 48)


def test_native_creatives_need_native_details(client, headers):
    native = {"creativeName": "native", "platformCreativeTypeId": 15, "subMediaType": "image",
              "creativeSourceType": "FILE", "creativeSource": "n.jpeg", "clickUrl": "www.example.com",
              "nativeDetails": {"title": "Title", "description": "Desc", "brandName": "iqm",
                                "brandIconSourceUrl": "https://cdn.example.com/icon.jpeg",
                                "brandIconHeight": 750, "brandIconWidth": 750,
                                "cta": {"id": 1, "ctaText": "Sign Up", "defaultCta": True}}}
    request_map = {"NI001": native, "NO_DETAILS": {**native, "nativeDetails": None},
                   "BAD_SUB": {**native, "subMediaType": "audio"}}
    data = upload(client, headers, request_map, [("n.jpeg", png_bytes(120, 80, "JPEG"), "image/jpeg")]).json()["data"]
    assert set(data["successData"]) == {"NI001"}
    assert "nativeDetails" in data["failedData"]["NO_DETAILS"]
    assert "subMediaType" in data["failedData"]["BAD_SUB"]
    shown = details(client, headers, int(data["successData"]["NI001"]))
    assert shown["subMediaType"] == "image"
    assert shown["imageDetails"]["creativeWidth"] == 120
    assert shown["nativeDetails"]["title"] == "Title"
    assert shown["nativeDetails"]["cta"] == {"id": 1, "ctaText": "Sign Up", "defaultCta": True}


def test_creative_request_itself_is_validated(client, headers):
    missing = client.post(ADD, headers=headers, data={"other": "x"})
    assert missing.status_code == 422
    assert missing.json()["errorObjects"][0]["field"] == "creativeRequest"
    not_json = client.post(ADD, headers=headers, data={"creativeRequest": "{nope"})
    assert not_json.status_code == 422 and not_json.json()["errorObjects"][0]["field"] == "creativeRequest"
    empty = client.post(ADD, headers=headers, data={"creativeRequest": "{}"})
    assert empty.status_code == 422
    a_list = client.post(ADD, headers=headers, data={"creativeRequest": "[1, 2]"})
    assert a_list.status_code == 422
    too_many = {f"k{i}": html_item() for i in range(101)}
    assert client.post(ADD, headers=headers, data={"creativeRequest": json.dumps(too_many)}).status_code == 422
    assert client.post(LIST, headers=headers, json={}).json()["data"]["totalRecords"] == 0
    assert client.post(ADD, data={"creativeRequest": json.dumps({"H": html_item()})}).status_code == 401


def test_the_map_may_also_come_as_a_json_body_or_query_parameter(client, headers):
    as_body = client.post(ADD, headers=headers, json={"H001": html_item("body")})
    assert as_body.status_code == 200, as_body.text
    assert list(as_body.json()["data"]["successData"]) == ["H001"]
    as_query = client.post(ADD, headers=headers, params={"creativeRequest": json.dumps({"H002": html_item("q")})})
    assert list(as_query.json()["data"]["successData"]) == ["H002"]


# --------------------------------------------------------------------------- details and isolation


def test_other_organizations_see_404_and_cannot_touch_creatives(client, headers, other_headers):
    creative_id = create_one(client, headers, html_item("mine"))
    for path_headers in (other_headers,):
        assert client.get(f"{ADD}/{creative_id}", headers=path_headers).status_code == 404
        assert client.get(f"{ADD}/999999", headers=headers).status_code == 404
        patched = client.patch(f"{ADD}/{creative_id}", headers=path_headers, json={"creativeName": "stolen"})
        assert patched.status_code == 404
    deleted = client.patch(STATUS, headers=other_headers, json={"creativeIds": [creative_id], "creativeStatusId": 4})
    assert deleted.status_code == 422
    assert deleted.json()["errorObjects"][0]["error"].startswith("Invalid creative ids found")
    theirs = client.post(LIST, headers=other_headers, json={"creativeIds": [creative_id]}).json()["data"]
    assert theirs == {"totalRecords": 0, "filteredRecords": 0, "filteredList": []}
    mine = details(client, headers, creative_id)
    assert mine["creativeName"] == "mine" and mine["creativeStatusId"] == 1
    assert client.get(f"{ADD}/0", headers=headers).status_code == 422
    assert client.get(f"{ADD}/99999999999", headers=headers).status_code == 422


def test_get_creatives_contract_is_scoped_to_the_organization(client, headers, other_headers, tenant, db):
    mine = create_one(client, headers, html_item("a"))
    theirs = create_one(client, other_headers, html_item("b"))
    with db.session() as session:
        found = service.get_creatives(session, tenant["owId"], [mine, theirs, 12345, 10**12])
        assert [c.id for c in found] == [mine]
        assert found[0].status_id == 1 and found[0].creative_type_id == 13
        assert (found[0].width, found[0].height) == (728, 90)
        assert service.get_creatives(session, tenant["owId"], []) == []


# --------------------------------------------------------------------------- edit


def test_patch_changes_only_what_is_sent_and_validates_it(client, headers):
    creative_id = create_one(client, headers, html_item("before"))
    response = client.patch(f"{ADD}/{creative_id}", headers=headers,
                            json={"creativeName": "after", "externalCreativeId": "3rd party id",
                                  "creativeRemarks": "remarks"})
    assert response.status_code == 200
    assert response.json()["data"] == {"id": creative_id, "message": "after updated successfully"}
    shown = details(client, headers, creative_id)
    assert (shown["creativeName"], shown["externalCreativeId"], shown["creativeRemarks"]) == (
        "after", "3rd party id", "remarks")
    assert shown["clickUrl"] == "https://www.example.com/landing"

    for body, field in (({"clickUrl": "http://"}, "clickUrl"), ({"creativeName": ""}, "creativeName"),
                        ({"creativeSource": "no markup"}, "creativeSource"), ({"title": "x"}, "title"),
                        ({}, "creativeName"), ({"brandIconWidth": 0}, "brandIconWidth")):
        bad = client.patch(f"{ADD}/{creative_id}", headers=headers, json=body)
        assert bad.status_code == 422, (body, bad.text)
        assert bad.json()["errorObjects"][0]["field"] == field, body
    assert details(client, headers, creative_id)["creativeName"] == "after"


def test_changing_what_an_approved_creative_shows_needs_a_new_approval(client, headers):
    creative_id = create_one(client, headers, html_item())
    assert client.patch(STATUS, headers=headers, json={"creativeIds": [creative_id],
                                                       "creativeStatusId": 2}).status_code == 200
    client.patch(f"{ADD}/{creative_id}", headers=headers, json={"creativeName": "renamed"})
    assert details(client, headers, creative_id)["creativeStatusId"] == 2
    client.patch(f"{ADD}/{creative_id}", headers=headers, json={"clickUrl": "https://new.example.com"})
    shown = details(client, headers, creative_id)
    assert shown["creativeStatusId"] == 1 and shown["clickUrl"] == "https://new.example.com"
    # a rejected creative that is fixed goes back for review
    client.patch(STATUS, headers=headers, json={"creativeIds": [creative_id], "creativeStatusId": 5,
                                                "creativeRejectionReason": "landing page down"})
    client.patch(f"{ADD}/{creative_id}", headers=headers, json={"creativeRemarks": "not a content change"})
    assert details(client, headers, creative_id)["creativeStatusId"] == 5
    client.patch(f"{ADD}/{creative_id}", headers=headers, json={"clickUrl": "https://fixed.example.com"})
    assert details(client, headers, creative_id)["creativeStatusId"] == 1


def test_file_creatives_keep_their_file_and_vast_edits_are_parsed(client, headers):
    image_id = create_one(client, headers, image_item(), [("banner.png", png_bytes(20, 20), "image/png")])
    refused = client.patch(f"{ADD}/{image_id}", headers=headers, json={"creativeSource": "https://x.example.com/a.png"})
    assert refused.status_code == 422 and "upload a new creative" in refused.json()["errorObjects"][0]["error"]

    vast_id = create_one(client, headers, {"creativeName": "v", "platformCreativeTypeId": 14,
                                           "creativeSourceType": "VAST_XML", "creativeSource": VAST})
    bad = client.patch(f"{ADD}/{vast_id}", headers=headers, json={"creativeSource": MALFORMED_VAST})
    assert bad.status_code == 422
    shorter = VAST.replace("00:00:15.500", "00:00:30")
    assert client.patch(f"{ADD}/{vast_id}", headers=headers, json={"creativeSource": shorter}).status_code == 200
    assert details(client, headers, vast_id)["videoDetails"]["duration"] == 30


# --------------------------------------------------------------------------- approval workflow


def test_admin_approves_and_rejects_with_a_reason(client, headers):
    first = create_one(client, headers, html_item("one"))
    second = create_one(client, headers, html_item("two"))
    approved = client.patch(STATUS, headers=headers, json={"creativeIds": [first, second], "creativeStatusId": 2})
    assert approved.status_code == 200
    assert approved.json()["data"] == {"message": "2 Creatives updated successfully"}
    assert details(client, headers, first)["creativeStatusId"] == 2

    no_reason = client.patch(STATUS, headers=headers, json={"creativeIds": [first], "creativeStatusId": 5})
    assert no_reason.status_code == 400
    assert no_reason.json()["errorObjects"][0]["error"].startswith("Rejection reason not provided")
    rejected = client.patch(STATUS, headers=headers, json={"creativeIds": [first], "creativeStatusId": 5,
                                                           "creativeRejectionReason": "Harmful content found!"})
    assert rejected.json()["data"] == {"message": "one creative updated successfully"}
    shown = details(client, headers, first)
    assert (shown["creativeStatusId"], shown["creativeRejectionReason"]) == (5, "Harmful content found!")

    # pause needs running: one rejected creative in the batch refuses the whole batch
    mixed = client.patch(STATUS, headers=headers, json={"creativeIds": [first, second], "creativeStatusId": 3})
    assert mixed.status_code == 422
    assert "not in running state" in mixed.json()["errorObjects"][0]["error"]
    assert details(client, headers, second)["creativeStatusId"] == 2

    assert client.patch(STATUS, headers=headers, json={"creativeIds": [second], "creativeStatusId": 3}).status_code \
        == 200
    assert client.patch(STATUS, headers=headers, json={"creativeIds": [second], "creativeStatusId": 2}).status_code \
        == 200
    assert client.patch(STATUS, headers=headers, json={"creativeIds": [first], "creativeStatusId": 4}).status_code \
        == 200
    gone = client.patch(STATUS, headers=headers, json={"creativeIds": [first], "creativeStatusId": 2})
    assert gone.status_code == 422
    assert client.patch(f"{ADD}/{first}", headers=headers, json={"creativeName": "x"}).status_code == 422


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"creativeIds": [], "creativeStatusId": 2}, 422, "creativeIds"),
        ({"creativeStatusId": 2}, 422, "creativeIds"),
        ({"creativeIds": [1]}, 422, "creativeStatusId"),
        ({"creativeIds": ["x"], "creativeStatusId": 2}, 422, "creativeIds.0"),
        ({"creativeIds": [1], "creativeStatusId": 1}, 422, "creativeStatusId"),
        ({"creativeIds": [1], "creativeStatusId": 9}, 422, "creativeStatusId"),
    ],
)
def test_update_status_rejects_bad_bodies(client, headers, body, status, field):
    response = client.patch(STATUS, headers=headers, json=body)
    assert response.status_code == status
    assert response.json()["errorObjects"][0]["field"] == field


def test_only_workspace_admins_approve_or_reject_but_members_pause_and_delete(client, headers, other_headers, db):
    # `headers` first: its organization owns the workspace, so only its admin is a workspace admin
    creative_id = create_one(client, other_headers, html_item("b"))
    for body in ({"creativeStatusId": 2}, {"creativeStatusId": 5, "creativeRejectionReason": "no"}):
        response = client.patch(STATUS, headers=other_headers, json={"creativeIds": [creative_id], **body})
        assert response.status_code == 403
        assert "does not have access" in response.json()["errorObjects"][0]["error"]
    with db.session() as session:  # as if a workspace admin had approved it
        session.execute(update(Creative).where(Creative.id == creative_id).values(status_id=2))
        session.commit()
    assert client.patch(STATUS, headers=other_headers,
                        json={"creativeIds": [creative_id], "creativeStatusId": 3}).status_code == 200
    assert client.patch(STATUS, headers=other_headers,
                        json={"creativeIds": [creative_id], "creativeStatusId": 2}).status_code == 200  # resume
    assert client.patch(STATUS, headers=other_headers,
                        json={"creativeIds": [creative_id], "creativeStatusId": 4}).status_code == 200


# --------------------------------------------------------------------------- list


def test_list_filters_search_sort_and_pages(client, headers):
    ids = {}
    for name in ("alpha", "beta", "gamma"):
        ids[name] = create_one(client, headers, html_item(name))
    ids["vast"] = create_one(client, headers, {"creativeName": "zeta video", "platformCreativeTypeId": 14,
                                               "creativeSourceType": "VAST_XML", "creativeSource": VAST})
    client.patch(STATUS, headers=headers, json={"creativeIds": [ids["beta"]], "creativeStatusId": 2})
    client.patch(STATUS, headers=headers, json={"creativeIds": [ids["gamma"]], "creativeStatusId": 4})

    everything = client.post(LIST, headers=headers, json={}).json()["data"]
    assert everything["totalRecords"] == 4
    assert everything["filteredRecords"] == 3  # deleted ones only when asked for
    assert [c["creativeId"] for c in everything["filteredList"]] == sorted(
        [ids["alpha"], ids["beta"], ids["vast"]], reverse=True)
    row = everything["filteredList"][-1]
    assert row["creativeName"] == "alpha" and row["creativeSource"] == HTML
    assert row["creativeWidth"] == 728 and row["campaignDetails"] == {"campaignIds": []}
    assert set(row["userDetails"]) == {"uowId"} and set(row["organizationDetails"]) == {"owId"}
    assert isinstance(row["createdAt"], int) and isinstance(row["modifiedAt"], int)

    def listed(**body):
        response = client.post(LIST, headers=headers, json=body)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    assert [c["creativeName"] for c in listed(creativeStatusIds=[2])["filteredList"]] == ["beta"]
    assert [c["creativeName"] for c in listed(creativeStatusIds=[4])["filteredList"]] == ["gamma"]
    assert [c["creativeName"] for c in listed(platformCreativeTypeIds=[14])["filteredList"]] == ["zeta video"]
    assert [c["creativeName"] for c in listed(searchField="ALP")["filteredList"]] == ["alpha"]
    assert [c["creativeId"] for c in listed(searchField=str(ids["beta"]))["filteredList"]] == [ids["beta"]]
    assert listed(searchField="%")["filteredRecords"] == 0
    names = [c["creativeName"] for c in listed(sortBy="+creativeName")["filteredList"]]
    assert names == ["alpha", "beta", "zeta video"]
    names = [c["creativeName"] for c in listed(sortBy="creativeName", order="desc")["filteredList"]]
    assert names == ["zeta video", "beta", "alpha"]
    page = listed(sortBy="creativeName", pageNo=2, noOfEntries=2)
    assert [c["creativeName"] for c in page["filteredList"]] == ["zeta video"] and page["filteredRecords"] == 3
    assert listed(creativeIds=[ids["alpha"], ids["gamma"]])["filteredRecords"] == 1
    assert listed(creativeGroupId=5)["filteredRecords"] == 0
    assert listed(campaignIds=[123])["filteredRecords"] == 0
    no_source = listed(includeCreativeSourceDetails=False, includeUserDetails=True, includeOrganizationDetails=True)
    first = no_source["filteredList"][0]
    assert "creativeSource" not in first
    assert first["userDetails"]["userEmail"] == "admin@a.test" and first["userDetails"]["hasApprovalAccess"] is True
    assert first["organizationDetails"]["organizationName"] == "Org A"
    assert listed(startTime=0, endTime=1)["filteredRecords"] == 0
    assert listed(owIds=[1])["filteredRecords"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sortBy": "color"}, "sortBy"),
        ({"order": "up"}, "order"),
        ({"pageNo": 0}, "pageNo"),
        ({"noOfEntries": 5000}, "noOfEntries"),
        ({"creativeIds": [0]}, "creativeIds.0"),
        ({"creativeStatusIds": "2"}, "creativeStatusIds"),
    ],
)
def test_list_rejects_bad_parameters(client, headers, body, field):
    response = client.post(LIST, headers=headers, json=body)
    assert response.status_code == 422
    assert response.json()["errorObjects"][0]["field"] == field
