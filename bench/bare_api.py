"""The reference for bench_api.py: a bare FastAPI app answering the same JSON from the same databases.

What it keeps from adplane is the work each answer needs: the password check (argon2 at production cost)
and token row for a login, the same catalogue for the static list, the same SQL for the campaign list and
the same report engine for a report execution. What it leaves out is everything around that work: the
middleware stack (request log, metrics, body limit, shield), the dependency graph, membership and
application checks, request and response model validation. The token check is one raw SQL lookup.
The gap between the two servers is therefore the cost of adplane's API layer, which is what
issue #19 asks to shrink.

Run by bench_api.py as `uvicorn bare_api:app` with the adplane server's environment (ADPLANE_DATA_DIR,
ADPLANE_DATABASE_URL), never at the same time as that server."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import insert, text

from adplane.analytics import handle as analytics_handle
from adplane.auth.models import AuthToken
from adplane.campaigns import queries
from adplane.campaigns.models import Campaign
from adplane.campaigns.wire import list_item, list_query
from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.deps import Principal
from adplane.core.listing import fetch_counted_page, page_offset
from adplane.core.security import digest_secret, verify_password
from adplane.core.settings import get_settings
from adplane.master import catalog
from adplane.reports import definitions
from adplane.reports.schemas import ExecuteIn

settings = get_settings()
db = Database(settings.resolved_database_url)
store = analytics_handle.acquire(settings)
app = FastAPI()

TOKEN_SQL = text("""
    SELECT t.user_id, t.workspace_id, t.id, m.uow_id, m.role, u.email
    FROM auth_tokens t JOIN memberships m ON m.user_id = t.user_id AND m.ow_id = :ow
    JOIN users u ON u.id = t.user_id
    WHERE t.access_digest = :digest AND t.revoked_at IS NULL AND t.access_expires_at > :now""")


def _principal(request: Request) -> Principal | None:
    token = request.headers.get("authorization", "").partition(" ")[2]
    ow_id = int(request.headers.get("x-iaa-ow-id", "0"))
    with db.engine.connect() as conn:
        row = conn.execute(TOKEN_SQL, {"ow": ow_id, "digest": digest_secret(token), "now": utcnow()}).first()
    if row is None:
        return None
    return Principal(user_id=row.user_id, email=row.email, ow_id=ow_id, uow_id=row.uow_id, role=row.role,
                     workspace_id=row.workspace_id, is_workspace_admin=True, token_id=row.id)


UNAUTHORIZED = JSONResponse({"success": False, "errorObjects": [{"error": "Invalid access token."}]}, 401)


@app.post("/api/v3/ua/login")
async def login(request: Request) -> JSONResponse:
    body = await request.json()
    client_id, _, client_secret = base64.b64decode(request.headers["authorization"][6:]).decode().partition(":")
    with db.session() as session:
        conn = session.connection()
        client = conn.execute(text("SELECT id, workspace_id, secret_digest FROM client_apps WHERE client_id = :c"),
                              {"c": client_id}).first()
        user = conn.execute(text("SELECT id, password_hash FROM users WHERE email = :e"),
                            {"e": body["email"].lower()}).first()
        if client is None or client.secret_digest != digest_secret(client_secret) or user is None \
                or not verify_password(user.password_hash, body["password"]):
            return JSONResponse({"success": False, "errorObjects": [{"error": "rejected"}]}, 400)
        ow_id = conn.execute(text("SELECT ow_id FROM memberships WHERE user_id = :u ORDER BY ow_id"),
                             {"u": user.id}).scalar()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = utcnow()
        conn.execute(insert(AuthToken), {
            "access_digest": digest_secret(access), "refresh_digest": digest_secret(refresh), "user_id": user.id,
            "workspace_id": client.workspace_id, "client_app_id": client.id, "ow_id": ow_id,
            "access_expires_at": now + timedelta(hours=1), "refresh_expires_at": now + timedelta(days=30),
            "created_at": now, "family_id": secrets.token_hex(16)})
        session.commit()
    return JSONResponse({"success": True, "data": {"access_token": access, "refresh_token": refresh,
                                                   "scope": "read write", "token_type": "bearer",
                                                   "expires_in": 3600, "owId": ow_id}})


@app.get("/api/v3/cmp/static/campaign/budget-type")
def budget_types(request: Request) -> JSONResponse:
    if _principal(request) is None:
        return UNAUTHORIZED
    rows = [{"name": i.name, "id": i.id, "label": i.label, "order": i.order}
            for i in sorted(catalog.BUDGET_TYPES, key=lambda i: i.order)]
    return JSONResponse({"success": True, "data": {"totalRecords": len(rows), "filteredRecords": len(rows),
                                                   "budgetTypeData": rows}})


@app.get("/api/v2/cmp/campaigns/list")
def campaigns(request: Request) -> JSONResponse:
    principal = _principal(request)
    if principal is None:
        return UNAUTHORIZED
    with db.session() as session:
        stmt = queries.base_query(principal, statuses=[], creative_type_ids=[], search=None, visible=True)
        offset, limit = page_offset(1, 50)
        # unfiltered, the page's count is the total, as adplane answers it
        rows, total = fetch_counted_page(session, list_query(stmt), queries.list_sort(None, None),
                                         tiebreak=Campaign.id, offset=offset, limit=limit)
        data: dict[str, Any] = jsonable_encoder({
            "statusCode": 200, "recordsTotal": total, "pageNumber": 1, "pageSize": 50, "draw": 0,
            "recordsFiltered": total, "data": [list_item(row) for row in rows]})
    return JSONResponse(data)


@app.post("/api/v3/ra/report/execute")
def execute(body: ExecuteIn, request: Request) -> JSONResponse:
    principal = _principal(request)
    if principal is None:
        return UNAUTHORIZED
    with db.session() as session:
        result = definitions.execute(session, store, principal, body)
    return JSONResponse(jsonable_encoder({"success": True, "data": result}))
