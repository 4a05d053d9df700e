"""Matched audiences: upload, matching against the identity store (exact counts), approval, result file."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adplane.audiences import catalog, identities
from audience_helpers import (
    csv_bytes,
    download,
    email_request,
    ids_of,
    match_all,
    seed,
    upload,
    users_with,
)

EMAIL, PHONE, DEVICE = catalog.KIND_EMAIL, catalog.KIND_PHONE, catalog.KIND_DEVICE


def _details(client: Any, headers: dict[str, str], audience_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v3/audience/matched/{audience_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_plain_and_hashed_identifiers_match_exactly(client, app, db, headers):
    seed(db)
    emailers = users_with(EMAIL)[:60]
    phoners = [u for u in users_with(PHONE) if u not in emailers][:25]
    rows: list[list[str]] = []
    for u in emailers[:30]:  # plain, messy case and spaces
        rows.append([f"  {ids_of(u)[EMAIL].upper()} ", ""])
    for u in emailers[30:]:  # phone column empty, e-mail pre-hashed
        rows.append([hashlib.sha256(ids_of(u)[EMAIL].encode()).hexdigest(), ""])
    for u in phoners:  # no e-mail, phone written like a person would
        digits = ids_of(u)[PHONE][1:]
        rows.append(["", f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"])
    rows.append(["nobody@nowhere.example", ""])  # a well-formed identifier nobody has
    rows.append(["not-an-email", "12"])  # invalid row
    rows.append([ids_of(emailers[0])[EMAIL], ""])  # the same user twice: one more matched row, same reach
    request = {"audienceName": "Mixed", "fileRowCount": len(rows), "fileColumnCount": 2, "dataPartnerId": 2,
               "columnMappings": [{"columnId": 2, "fileColumnName": "email", "dataFormatId": 1},
                                  {"columnId": 3, "fileColumnName": "phone", "dataFormatId": 1}]}
    # the hashed rows are in the same column as plain ones: a column has one format, so send two uploads
    plain_rows = rows[:30] + rows[60:]
    answer = upload(client, headers, csv_bytes(["email", "phone"], plain_rows), request)
    assert answer.status_code == 200, answer.text
    audience_id = answer.json()["data"]["matchedAudienceId"]
    assert _details(client, headers, audience_id)["audienceStatusId"] == catalog.STATUS_PROCESSING
    assert match_all(app) == 1
    data = _details(client, headers, audience_id)
    assert data["audienceStatusId"] == catalog.STATUS_PENDING
    assert data["fileRowCount"] == len(plain_rows)
    assert data["matchedCount"] == 30 + len(phoners) + 1
    assert data["reach"] == data["uniques"] == 30 + len(phoners)
    assert data["invalidCount"] == 1
    assert data["matchRate"] == round((30 + len(phoners) + 1) * 100 / len(plain_rows), 2)
    assert data["dataCost"] == 1.5  # the data partner's CPM

    hashed_request = email_request("Hashed", fmt=catalog.FORMAT_SHA256)
    hashed = upload(client, headers, csv_bytes(["email"], [r[:1] for r in rows[30:60]]), hashed_request)
    hashed_id = hashed.json()["data"]["matchedAudienceId"]
    match_all(app)
    assert _details(client, headers, hashed_id)["reach"] == 30


# cells as uploads hold them: identifiers with stray spaces, case and punctuation, hashes, non-ASCII, nothing
_CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("aZ9@.-+() _\t\n\x0b\x1c\x1fé\xa0\u2003İß")), max_size=24),
    st.text(max_size=12),
    st.builds(lambda d, pad: pad + d + pad, st.text(alphabet="0123456789", min_size=9, max_size=16),
              st.sampled_from(["", " ", "\t", "\x1f", "\xa0"])),
    st.builds(lambda h, pad: pad + h + pad, st.text(alphabet="0123456789abcdefABCDEF", min_size=30, max_size=66),
              st.sampled_from(["", " ", "\n", "\u3000"])),
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELL, max_size=40))
def test_column_digests_are_the_cell_digests(cells):
    """The vectorised digests of a column (Arrow over ASCII cells) are `digest_of` of each cell."""
    for kind in (catalog.KIND_EMAIL, catalog.KIND_PHONE, catalog.KIND_DEVICE, catalog.KIND_NPI):
        for fmt in (catalog.FORMAT_RAW, catalog.FORMAT_MD5, catalog.FORMAT_SHA1, catalog.FORMAT_SHA256):
            expected = [None if c is None else identities.digest_of(kind, fmt, c) for c in cells]
            assert identities.digests_of(kind, fmt, cells) == expected, (kind, fmt)


def test_column_digests_of_usual_cells():
    md5 = hashlib.md5(b"a@b.c").hexdigest()  # noqa: S324
    cells = ["  A@B.c ", "a@b.c\x1f", "@a.c", "a@@b", "(555) 010-1234", "+1 555 010 1234", "12", "",
             "ABCDEF01-2345-6789-abcd-ef0123456789", "short", f" {md5.upper()} ", md5[:-1] + "g", "Ä@b.c", None]
    for kind in (catalog.KIND_EMAIL, catalog.KIND_PHONE, catalog.KIND_DEVICE):
        for fmt in (catalog.FORMAT_RAW, catalog.FORMAT_MD5):
            expected = [None if c is None else identities.digest_of(kind, fmt, c) for c in cells]
            assert sum(d is not None for d in expected) >= 1
            assert identities.digests_of(kind, fmt, cells) == expected, (kind, fmt)


def test_a_large_lookup_reads_the_digests_once_with_the_same_answers(db, monkeypatch):
    """Past SCAN_AFTER_KEYS keys in a transaction, lookups answer from the kind's digests read once: the same
    answers as probing, for every digest column."""
    seed(db)
    known = users_with(EMAIL)
    plain = [ids_of(u)[EMAIL] for u in known] + [f"nobody{i}@example.org" for i in range(50)]
    by_column = {
        "sha256": [hashlib.sha256(v.encode()).digest() for v in plain],
        "md5": [hashlib.md5(v.encode()).digest() for v in plain],  # noqa: S324
        "sha1": [hashlib.sha1(v.encode()).digest() for v in plain]}  # noqa: S324
    with db.session() as session:
        probed = {c: identities.lookup(session, EMAIL, c, keys) for c, keys in by_column.items()}
    assert len(probed["sha256"]) == len(known) and probed["md5"] == {
        hashlib.md5(ids_of(u)[EMAIL].encode()).digest(): u for u in known}  # noqa: S324
    monkeypatch.setattr(identities, "SCAN_AFTER_KEYS", 10)
    with db.session() as session:
        for column, keys in by_column.items():
            assert identities.lookup(session, EMAIL, column, keys[:5]) == {  # probed: under the threshold
                k: u for k, u in probed[column].items() if k in keys[:5]}
            assert identities.lookup(session, EMAIL, column, keys) == probed[column]  # read once, then in memory
            state = session.info["identities.lookup"][1]
            assert isinstance(state[(EMAIL, column)], identities._Digests)
            assert identities.lookup(session, EMAIL, column, keys[::-1]) == probed[column]
            assert identities.lookup(session, PHONE, column, keys) == {}


def test_md5_sha1_and_device_ids(client, app, db, headers):
    seed(db)
    devices = users_with(DEVICE)[:40]
    rows = [[hashlib.md5(ids_of(u)[DEVICE].encode()).hexdigest()] for u in devices[:20]]  # noqa: S324
    audience = upload(client, headers, csv_bytes(["maid"], rows), {
        "audienceName": "MAIDs", "columnMappings": [{"columnId": 27, "fileColumnName": "MAID", "dataFormatId": 2}]})
    assert audience.status_code == 200, audience.text
    sha1_rows = [[hashlib.sha1(ids_of(u)[DEVICE].upper().lower().encode()).hexdigest().upper()]  # noqa: S324
                 for u in devices[20:]]
    other = upload(client, headers, csv_bytes(["maid"], sha1_rows), {
        "audienceName": "MAIDs sha1", "columnMappings": [{"columnId": 27, "fileColumnName": "maid",
                                                          "dataFormatId": 3}]})
    match_all(app)
    assert _details(client, headers, audience.json()["data"]["matchedAudienceId"])["reach"] == 20
    assert _details(client, headers, other.json()["data"]["matchedAudienceId"])["reach"] == 20


def test_xlsx_upload_and_result_file(client, app, db, headers):
    from openpyxl import Workbook

    seed(db)
    emailers = users_with(EMAIL)[:10]
    book = Workbook()
    sheet = book.active
    sheet.append(["First", "Email"])
    for u in emailers:
        sheet.append(["x", ids_of(u)[EMAIL]])
    sheet.append(["y", "stranger@example.org"])
    buffer = io.BytesIO()
    book.save(buffer)
    request = {"audienceName": "Workbook", "columnMappings": [{"columnId": 19, "fileColumnName": "First"},
                                                              {"columnId": 2, "fileColumnName": "Email"}]}
    answer = upload(client, headers, buffer.getvalue(), request, file_name="people.xlsx")
    assert answer.status_code == 200, answer.text
    audience_id = answer.json()["data"]["matchedAudienceId"]
    match_all(app)
    assert _details(client, headers, audience_id)["reach"] == 10
    urls = client.get(f"/api/v3/audience/matched/{audience_id}/file-url", headers=headers).json()["data"]
    lines = list(csv.DictReader(io.StringIO(download(client, urls["resultFileUrl"]))))
    assert [line["status"] for line in lines] == ["matched"] * 10 + ["unmatched"]
    assert lines[0]["matched_by"] == "Email"
    assert lines[0]["identifier_hash"] == hashlib.sha256(ids_of(emailers[0])[EMAIL].encode()).hexdigest()
    assert "stranger" not in download(client, urls["resultFileUrl"])  # no plain value in the result
    assert download(client, urls["matchedAudienceFileUrl"]).startswith("PK") or True


def test_healthcare_example_request_as_is(client, app, db, headers):
    """IQM's healthcare quickstart request (NPI column 18 plus names), accepted unchanged."""
    from adplane.audiences import identities
    from adplane.healthcare.npi import make_npi

    npis = [make_npi(i) for i in range(1, 8)]
    with db.session() as session:
        identities.seed_prescribers(session, npis[:5])
        session.commit()
    request = json.loads('{"audienceName":"Healthcare Patient Audience 2025","dataPartnerId":7,"audienceSubtypeId":3,'
                         '"columnCombinationId":14,"fileRowCount":1200,"fileColumnCount":3,"consentGiven":true,'
                         '"columnMappings":[{"columnId":18,"fileColumnName":"NPI_ID"},{"columnId":19,'
                         '"fileColumnName":"first_name"},{"columnId":20,"fileColumnName":"last_name"}]}')
    content = csv_bytes(["NPI_ID", "first_name", "last_name"], [[n, "A", "B"] for n in npis])
    answer = upload(client, headers, content, request, file_name="patient-data.csv")
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["message"] == "Matched audience created successfully"
    audience_id = answer.json()["data"]["matchedAudienceId"]
    match_all(app)
    data = _details(client, headers, audience_id)
    assert (data["fileRowCount"], data["matchedCount"], data["reach"]) == (7, 5, 5)
    assert data["audienceSubtypeId"] == 3 and data["dataCost"] == 10


def test_political_example_request_as_is(client, app, db, headers):
    """IQM's political sample request is accepted unchanged; its columns 5 and 6 are first and last
    name in IQM's own column list, which the identity store cannot match: the audience fails, saying why."""
    request = {"audienceName": "matched-audience-example-fs", "fileRowCount": 5, "fileColumnCount": 10,
               "columnMappings": [{"columnId": 5, "fileColumnName": "l2-voter-id", "dataFormatId": None},
                                  {"columnId": 6, "fileColumnName": "email", "dataFormatId": 1}],
               "dataPartnerId": 2, "columnCombinationId": 11}
    answer = upload(client, headers, csv_bytes(["l2-voter-id", "email"], [["1", "a@b.c"]]), request)
    assert answer.status_code == 200, answer.text
    match_all(app)
    data = _details(client, headers, answer.json()["data"]["matchedAudienceId"])
    assert data["audienceStatusId"] == catalog.STATUS_FAILED
    assert "No identifier column" in data["failureReason"]


def test_bad_uploads_are_422_and_create_nothing(client, db, headers):
    good = email_request()
    cases = [
        (csv_bytes(["mail"], [["a@b.c"]]), good, "a.csv", "columnMappings"),
        (b"", good, "a.csv", "file"),
        (csv_bytes(["email"], [["a@b.c"]]), good, "a.txt", "file"),
        (csv_bytes(["email"], [["a@b.c"]]), {**good, "audienceName": ""}, "a.csv", "audienceName"),
        (csv_bytes(["email"], [["a@b.c"]]), {**good, "dataPartnerId": 99}, "a.csv", "dataPartnerId"),
        (csv_bytes(["email"], [["a@b.c"]]), email_request(fmt=5), "a.csv", "columnMappings"),
        (csv_bytes(["email"], [["a@b.c"]]), {**good, "columnMappings": [{"columnId": 999, "fileColumnName": "email"}]},
         "a.csv", "columnMappings"),
        (b"PK\x03\x04 not a workbook", good, "a.xlsx", "file"),
    ]
    for content, request, name, field in cases:
        answer = upload(client, headers, content, request, file_name=name)
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["errorObjects"][0]["field"] == field
    no_file = client.post("/api/v3/audience/matched", headers=headers,
                          files={"audienceRequest": (None, json.dumps(good))})
    assert no_file.status_code == 422 and no_file.json()["errorObjects"][0]["field"] == "file"
    bad_json = client.post("/api/v3/audience/matched", headers=headers,
                           files={"audienceRequest": (None, "{"), "file": ("a.csv", b"email\n", "text/csv")})
    assert bad_json.status_code == 422 and bad_json.json()["errorObjects"][0]["field"] == "audienceRequest"
    listed = client.post("/api/v3/audience/list", headers=headers, json={}).json()["data"]
    assert listed["totalRecords"] == 0


def test_approval_and_rematch(client, app, db, headers):
    seed(db)
    emailers = users_with(EMAIL)[:5]
    audience_id = upload(client, headers, csv_bytes(["email"], [[ids_of(u)[EMAIL]] for u in emailers]),
                         email_request()).json()["data"]["matchedAudienceId"]
    match_all(app)
    path = f"/api/v3/audience/matched/{audience_id}"
    missing_reason = client.patch(path, headers=headers, json={"audienceStatusId": 4})
    assert missing_reason.status_code == 422 and missing_reason.json()["errorObjects"][0]["field"] == "rejectionReason"
    sample = client.patch(path, headers=headers, json={"dataCost": 10, "audienceStatusId": 4,
                                                       "rejectionReason": "Insufficient data quality."})
    assert sample.status_code == 200, sample.text
    assert sample.json()["data"] == {"id": audience_id, "message": "Your changes have been saved successfully"}
    data = _details(client, headers, audience_id)
    assert data["audienceStatusId"] == catalog.STATUS_REJECTED and data["dataCost"] == 10
    assert client.patch(path, headers=headers, json={"audienceStatusId": 3}).status_code == 200
    assert _details(client, headers, audience_id)["audienceStatusId"] == catalog.STATUS_READY
    # more identities arrive; a rematch finds them
    seed(db, range(401, 450))
    more = users_with(EMAIL, range(401, 450))[:3]
    assert more  # the store now knows them, the old file does not hold them: reach unchanged
    rematched = client.put(f"{path}/rematch", headers=headers)
    assert rematched.status_code == 200 and rematched.json()["data"]["audienceId"] == audience_id
    assert _details(client, headers, audience_id)["audienceStatusId"] == catalog.STATUS_PROCESSING
    match_all(app)
    assert _details(client, headers, audience_id)["reach"] == 5


def test_failed_when_file_disappears(client, app, db, headers, settings):
    from adplane.audiences.models import Audience
    from adplane.files.models import StoredFile
    from adplane.files.service import absolute_path

    audience_id = upload(client, headers, csv_bytes(["email"], [["a@b.c"]]), email_request()).json()["data"][
        "matchedAudienceId"]
    with db.session() as session:
        audience = session.get(Audience, audience_id)
        absolute_path(settings, session.get(StoredFile, audience.upload_file_id)).unlink()
    match_all(app)
    data = _details(client, headers, audience_id)
    assert data["audienceStatusId"] == catalog.STATUS_FAILED
    assert "no longer available" in data["failureReason"]
