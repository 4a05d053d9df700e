"""Shared helpers of the audience tests: identities of simulated users, generated upload files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any
from urllib.parse import urlsplit

from adplane.audiences import catalog, identities
from adplane.audiences.worker import match_pending

KNOWN_USERS = range(1, 401)  # simulated users whose identifiers are in the store


def seed(db: Any, users: range = KNOWN_USERS) -> None:
    with db.session() as session:
        identities.seed_simulated_users(session, users)
        session.commit()


def ids_of(user_id: int) -> dict[int, str]:
    return identities.synthetic_identifiers(user_id)


def upload(client: Any, headers: dict[str, str], content: bytes, request: dict[str, Any],
           file_name: str = "audience.csv", path: str = "/api/v3/audience/matched") -> Any:
    return client.post(path, headers=headers,
                       files={"audienceRequest": (None, json.dumps(request), "application/json"),
                              "file": (file_name, content, "text/csv")})


def email_request(name: str = "Matched", fmt: int | None = None, column: str = "email") -> dict[str, Any]:
    mapping: dict[str, Any] = {"columnId": 2, "fileColumnName": column}
    if fmt is not None:
        mapping["dataFormatId"] = fmt
    return {"audienceName": name, "fileRowCount": 0, "fileColumnCount": 1, "columnMappings": [mapping],
            "dataPartnerId": 1}


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def match_all(app: Any) -> int:
    return match_pending(app.state.db, app.state.settings)


def create_ready(client: Any, app: Any, headers: dict[str, str], user_ids: list[int], name: str = "Ready") -> int:
    """A matched audience of exactly `user_ids` (by e-mail; each must have one), approved."""
    rows = [[ids_of(u)[catalog.KIND_EMAIL]] for u in user_ids]
    audience_id = upload(client, headers, csv_bytes(["email"], rows), email_request(name)).json()["data"][
        "matchedAudienceId"]
    match_all(app)
    answer = client.patch(f"/api/v3/audience/matched/{audience_id}", headers=headers, json={"audienceStatusId": 3})
    assert answer.status_code == 200, answer.text
    return audience_id


def users_with(kind: int, users: range = KNOWN_USERS) -> list[int]:
    return [u for u in users if kind in ids_of(u)]


def download(client: Any, url: str) -> str:
    parts = urlsplit(url)
    answer = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert answer.status_code == 200, answer.text
    return answer.text


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
