"""Campaign lists and counts, budget info, campaign groups, start date; concurrent budget updates."""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from adplane.core.deps import LOOP_READ_MAX_ROWS
from campaign_helpers import END_S, START_S, create_campaign, create_io, error_fields, freeze, make_creative


def _set_status(client, headers, ids, status, **extra):
    response = client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
                          json={"campaignIds": ids, "status": status, **extra})
    assert response.status_code == 200, response.text
    return response.json()["responseObject"]


@pytest.fixture
def population(client, headers, tenant, db):
    """Two IOs; campaigns pending, running, paused, rejected, deleted and a draft; one video."""
    freeze()
    creative = make_creative(db, tenant["owId"])
    video = make_creative(db, tenant["owId"], creative_type_id=14)
    io_a = create_io(client, headers, ioName="io a")
    io_b = create_io(client, headers, ioName="io b")
    ids = {
        "pending": create_campaign(client, headers, io_a, creative, campaignName="Alpha pending"),
        "running": create_campaign(client, headers, io_a, creative, campaignName="Beta running"),
        "paused": create_campaign(client, headers, io_b, video, campaignName="Gamma paused video",
                                  creativeType=14, maxBid=5),
        "rejected": create_campaign(client, headers, io_b, creative, campaignName="Delta rejected"),
        "deleted": create_campaign(client, headers, io_b, creative, campaignName="Epsilon deleted"),
    }
    draft = client.post("/api/v2/cmp/campaigns/draft/add", headers=headers,
                        json={"campaignName": "Zeta draft", "ioId": io_a})
    ids["draft"] = draft.json()["responseObject"]["data"]
    from adplane.core.clock import clock, from_epoch_s

    clock.set(from_epoch_s(START_S + 60))
    from conftest import login

    fresh = login(client, tenant)
    _set_status(client, fresh, f"{ids['running']},{ids['paused']}", "running")
    _set_status(client, fresh, str(ids["paused"]), "paused")
    _set_status(client, fresh, str(ids["rejected"]), "rejected", rejectionReason="bad")
    _set_status(client, fresh, str(ids["deleted"]), "deleted")
    return {"ids": ids, "io_a": io_a, "io_b": io_b, "headers": fresh}


def test_counts_v3_and_v2(client, population, other_headers):
    headers = population["headers"]
    response = client.post("/api/v3/cmp/campaigns/count", headers=headers, json={"owIds": "all"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert [(e["order"], e["status_key"], e["status_label"]) for e in data] == [
        (0, "running", "Running"), (1, "pending", "Pending"), (2, "paused", "Paused"), (5, "deleted", "Deleted"),
        (6, "expired", "Expired"), (3, "draft", "Draft"), (7, "rejected", "Rejected"), (8, "all", "ALL")]
    counts = {e["status_key"]: e["status_count"] for e in data}
    assert counts == {"running": 1, "pending": 1, "paused": 1, "deleted": 1, "expired": 0, "draft": 1,
                      "rejected": 1, "all": 5}
    by_io = client.post("/api/v3/cmp/campaigns/count", headers=headers,
                        json={"ioIds": str(population["io_a"])}).json()["data"]
    assert {e["status_key"]: e["status_count"] for e in by_io}["all"] == 3
    searched = client.post("/api/v3/cmp/campaigns/count", headers=headers, json={"searchField": "beta"}).json()
    assert {e["status_key"]: e["status_count"] for e in searched["data"]}["running"] == 1
    v2 = client.get("/api/v2/cmp/campaigns/count", headers=headers, params={"creativeTypeIds": "14"}).json()
    assert v2["responseObject"] == [
        {"order": 2, "status_key": "paused", "status_label": "Paused", "status_count": 1},
        {"order": 8, "status_key": "all", "status_label": "ALL", "status_count": 1}]
    desc = client.get("/api/v2/cmp/campaigns/count", headers=headers, params={"sortType": "desc"}).json()
    assert desc["responseObject"][0]["status_key"] == "all"
    bad = client.post("/api/v3/cmp/campaigns/count", headers=headers, json={"ioIds": "1,x"})
    assert bad.status_code == 422 and error_fields(bad) == {"ioIds"}
    assert client.get("/api/v2/cmp/campaigns/count", headers=headers,
                      params={"sortType": "sideways"}).status_code == 422
    other = client.post("/api/v3/cmp/campaigns/count", headers=other_headers, json={}).json()["data"]
    assert all(e["status_count"] == 0 for e in other)


def test_campaigns_list_v2(client, population, other_headers, tenant):
    headers, ids = population["headers"], population["ids"]
    response = client.get("/api/v2/cmp/campaigns/list", headers=headers,
                          params={"sort_by": "name", "order": "asc", "no_of_entries": 2, "pgno": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["statusCode"] == 200 and body["recordsTotal"] == 5 and body["recordsFiltered"] == 5
    assert body["pageNumber"] == 1 and body["pageSize"] == 2 and body["draw"] == 0
    assert [r["name"] for r in body["data"]] == ["Alpha pending", "Beta running"]
    row = body["data"][0]
    assert row["id"] == str(ids["pending"]) and row["campaign_type"] == "CPM" and row["creative_type"] == "Image"
    assert row["start_date"] == START_S and row["end_date"] == END_S and row["total_budget"] == 1500
    assert (row["owId"], row["userEmail"], row["isApproved"]) == (tenant["owId"], tenant["email"], False)
    running = client.get("/api/v2/cmp/campaigns/list", headers=headers, params={"status": "running,paused"}).json()
    assert {r["status"] for r in running["data"]} == {"running", "paused"} and running["recordsFiltered"] == 2
    videos = client.get("/api/v2/cmp/campaigns/list", headers=headers, params={"creative_type_ids": "14"}).json()
    assert [r["campaign_type"] for r in videos["data"]] == ["CPV"]
    found = client.get("/api/v2/cmp/campaigns/list", headers=headers, params={"search_field": str(ids["running"])})
    assert [r["name"] for r in found.json()["data"]] == ["Beta running"]
    for params in ({"status": "flying"}, {"order": "up"}, {"sort_by": "nope"}, {"pgno": 0}):
        assert client.get("/api/v2/cmp/campaigns/list", headers=headers, params=params).status_code == 422
    for page_size in (50, LOOP_READ_MAX_ROWS + 1):  # read on the loop, and in the thread pool
        other = client.get("/api/v2/cmp/campaigns/list", headers=other_headers,
                           params={"no_of_entries": page_size}).json()
        assert other["data"] == [] and other["recordsTotal"] == 0 and other["recordsFiltered"] == 0


def test_an_unfiltered_campaign_list_counts_once_and_a_filtered_one_counts_both(app, client, population, db):
    """recordsTotal is every campaign but the deleted; unfiltered, that is the page's own count, which rides
    on the page's rows (one statement); a page past the end counts on its own."""
    from sqlalchemy import event

    headers = population["headers"]
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    def counts(params: dict) -> tuple[dict, int]:
        seen.clear()
        engines = (db.engine, db.loop_engine)  # a page of up to LOOP_READ_MAX_ROWS is read on the loop's own
        for engine in engines:
            event.listen(engine, "before_cursor_execute", record)
        try:
            body = client.get("/api/v2/cmp/campaigns/list", headers=headers, params=params).json()
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", record)
        return body, sum("count(" in statement.lower() for statement in seen)

    for params in ({}, {"search_field": ""}, {"ow_ids": "all"}, {"no_of_entries": 2, "pgno": 2},
                   {"no_of_entries": LOOP_READ_MAX_ROWS + 1}):
        body, statements = counts(params)
        assert (body["recordsTotal"], body["recordsFiltered"], statements) == (5, 5, 1), params
        assert len(seen) == 2, seen  # the auth epoch; the page with its count and its creators' e-mails
    body, statements = counts({"no_of_entries": 2, "pgno": 4})
    assert (body["recordsTotal"], body["recordsFiltered"], body["data"], statements) == (5, 5, [], 2)
    for params, filtered in (({"status": "running"}, 1), ({"creative_type_ids": "14"}, 1),
                             ({"search_field": "alpha"}, 1), ({"ow_ids": "999999"}, 0)):
        body, statements = counts(params)
        assert (body["recordsTotal"], body["recordsFiltered"], statements) == (5, filtered, 2), params


def test_a_small_page_is_read_on_the_loop_and_answers_while_the_pool_is_exhausted(client, population, db):
    """A page of up to LOOP_READ_MAX_ROWS campaigns is read on the event loop's own connection, a larger one in
    the thread pool: the same answer either way. The loop's read never waits for the shared pool, so it
    answers even while every pooled connection is taken (by long reports, say)."""
    from sqlalchemy.pool import QueuePool

    headers = population["headers"]
    path = "/api/v2/cmp/campaigns/list"
    small = client.get(path, headers=headers, params={"no_of_entries": LOOP_READ_MAX_ROWS})
    large = client.get(path, headers=headers, params={"no_of_entries": LOOP_READ_MAX_ROWS + 1})
    assert small.status_code == large.status_code == 200
    small_body, large_body = small.json(), large.json()
    assert small_body["data"] == large_body["data"] and len(small_body["data"]) == 5
    assert (small_body["recordsTotal"], small_body["pageSize"]) == (5, LOOP_READ_MAX_ROWS)
    assert large_body["pageSize"] == LOOP_READ_MAX_ROWS + 1

    pool = db.engine.pool
    assert isinstance(pool, QueuePool)
    client.get(path, headers=headers)  # the caller is resolved (and cached) before the pool is taken
    held = []
    try:
        while pool.checkedout() < pool.size() + pool._max_overflow:
            held.append(db.engine.connect())
        again = client.get(path, headers=headers)
    finally:
        for connection in held:
            connection.close()
    assert again.status_code == 200 and again.json()["data"] == small_body["data"]


def test_campaigns_data_v2(client, population, other_headers):
    headers, ids = population["headers"], population["ids"]
    client.patch(f"/api/v2/cmp/campaign/{ids['paused']}", headers=headers, json={"conversionIds": "18,19"})
    data = client.get("/api/v2/cmp/campaigns/data", headers=headers,
                      params={"sortBy": "+name", "conversionId": 18, "limit": 3}).json()["responseObject"]
    assert data["totalRecords"] == 5
    assert data["data"][0]["id"] == ids["paused"] and data["data"][0]["conversionId"] == 18
    assert [r["name"] for r in data["data"][1:]] == ["Alpha pending", "Beta running"]
    assert data["data"][0]["campaignType"] == "CPV"
    filtered = client.get("/api/v2/cmp/campaigns/data", headers=headers,
                          params={"status": "deleted"}).json()["responseObject"]
    assert [r["id"] for r in filtered["data"]] == [ids["deleted"]]
    assert client.get("/api/v2/cmp/campaigns/data", headers=headers, params={"sortBy": "-bogus"}).status_code == 422
    assert client.get("/api/v2/cmp/campaigns/data", headers=other_headers).json()["responseObject"]["data"] == []


def test_campaign_groups_and_start(client, population, other_headers):
    headers, ids = population["headers"], population["ids"]
    groups = client.get("/api/v2/cmp/campaigngroup/campaign/list", headers=headers).json()["responseObject"]
    assert [g["id"] for g in groups] == [population["io_a"], population["io_b"]]
    assert {c["id"] for c in groups[0]["campaings"]} == {ids["pending"], ids["running"], ids["draft"]}
    assert groups[1]["campaignCount"] == 2  # the deleted campaign is not listed
    running = client.get("/api/v2/cmp/campaigngroup/campaign/list", headers=headers,
                         params={"status": "running"}).json()["responseObject"]
    assert [[c["id"] for c in g["campaings"]] for g in running] == [[ids["running"]], []]
    assert client.get("/api/v2/cmp/campaigngroup/campaign/list", headers=headers,
                      params={"status": "x"}).status_code == 422
    assert client.get("/api/v2/cmp/campaigngroup/campaign/list", headers=other_headers).json()[
        "responseObject"] == []
    start = client.get("/api/v2/cmp/campaign/start", headers=headers).json()
    assert start == {"statusCode": 200, "responseObject": {"start_time": START_S}}
    other_start = client.get("/api/v2/cmp/campaign/start", headers=other_headers).json()
    assert other_start["responseObject"] == {"start_time": None}


def test_budget_info(client, headers, other_headers, tenant, db):
    freeze()
    params = {"budgetTotal": 300, "startTime": 1749096000, "endTime": 1749096000 + 3 * 86400, "timezone": 29}
    response = client.get("/api/v2/cmp/campaign/budgetInfo", headers=headers, params=params)
    assert response.status_code == 200, response.text
    info = response.json()["responseObject"]
    # 04:00Z is midnight in New York: exactly three local days of 100
    assert [g["amount"] for g in info["graphInfo"]] == [100.0, 100.0, 100.0]
    assert {g["type"] for g in info["graphInfo"]} == {"projected"}
    assert info["graphInfo"][0]["date"] == "2025-06-05T04:00:00.000+0000"
    assert info["dailyBudget"] == 100 and info["actualSpent"] == 0 and info["timezone"] == 29
    fixed = client.get("/api/v2/cmp/campaign/budgetInfo", headers=headers, params={
        "dailyBudget": 40, "budgetTotal": 100, "fixedDailyBudget": "true", "startTime": 1749096000,
        "timezone": 29}).json()["responseObject"]
    assert [g["amount"] for g in fixed["graphInfo"]] == [40.0, 40.0, 20.0]
    assert fixed["endTime"] == 1749096000 + 3 * 86400
    for bad, field in (({"startTime": None}, "startTime"), ({"timezone": 987654321}, "timezone"),
                       ({"endTime": None}, "endTime"), ({"endTime": 1749096000 - 10}, "endTime")):
        query = {k: v for k, v in {**params, **bad}.items() if v is not None}
        response = client.get("/api/v2/cmp/campaign/budgetInfo", headers=headers, params=query)
        assert response.status_code == 422 and error_fields(response) == {field}, (bad, response.text)
    huge = client.get("/api/v2/cmp/campaign/budgetInfo", headers=headers, params={
        "dailyBudget": 0.01, "budgetTotal": 10_000_000_000, "fixedDailyBudget": "true", "startTime": 1749096000,
        "timezone": 29})
    assert huge.status_code == 422 and error_fields(huge) == {"dailyBudget"}
    campaign_id = create_campaign(client, headers, create_io(client, headers), make_creative(db, tenant["owId"]))
    response = client.get("/api/v2/cmp/campaign/budgetInfo", headers=other_headers,
                          params={**params, "campaignId": campaign_id})
    assert response.status_code == 404


def test_concurrent_budget_updates_keep_auto_sum_io_equal_to_the_sum(app, client, headers, tenant, db, backend,
                                                                       monkeypatch):
    if backend != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) are what this test exercises; SQLite serializes writers")
    freeze()
    from adplane.insertion_orders import service as io_service

    original_sync = io_service.sync_auto_sum

    def slow_sync(session, io):  # noqa: ANN001, ANN202 - widens the race window between sum and commit
        time.sleep(0.02)
        return original_sync(session, io)

    monkeypatch.setattr(io_service, "sync_auto_sum", slow_sync)
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    campaigns = [create_campaign(client, headers, io_id, creative, budgetTotal=100, budgetDay=10,
                                 campaignName=f"c{i}") for i in range(4)]
    def run(additions_only: bool) -> list[Decimal]:
        added: list[Decimal] = []
        failures: list[str] = []
        guard = threading.Lock()

        def worker(seed: int) -> None:
            rng = random.Random(seed)
            own = TestClient(app)  # no lifespan: shares the app's database and store
            barrier.wait()
            for _ in range(10):
                target = rng.choice(campaigns)
                amount: Decimal | None = Decimal(rng.randint(1, 500)) / 4
                if additions_only or rng.random() < 0.5:
                    response = own.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                                       json={"campaignIds": str(target), "totalBudget": float(amount),
                                             "totalBudgetUpdateType": "addition"})
                    ok = response.status_code == 200 and response.json()["responseObject"]["status"] is True
                else:
                    current = own.get(f"/api/v2/cmp/campaign/{target}", headers=headers).json()["responseObject"]
                    response = own.patch(f"/api/v2/cmp/campaign/{target}", headers=headers,
                                         json={"budgetTotal": current["budgetTotal"] + 1})
                    ok, amount = response.status_code == 200, None
                with guard:
                    if not ok:
                        failures.append(response.text)
                    elif amount is not None:
                        added.append(amount)

        barrier = threading.Barrier(12)
        threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        return added

    def budgets() -> tuple[Decimal, list[Decimal]]:
        rows = [client.get(f"/api/v2/cmp/campaign/{c}", headers=headers).json()["responseObject"]
                for c in campaigns]
        total = client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioTotalBudget"]
        return Decimal(str(total)), [Decimal(str(r["budgetTotal"])) for r in rows]

    # mixed additions and absolute PATCHes: whatever order they land in, the IO total is the sum
    run(additions_only=False)
    io_total, values = budgets()
    assert io_total == sum(values)
    # additions only: none is lost either
    before = sum(values)
    added = run(additions_only=True)
    io_total, values = budgets()
    assert io_total == sum(values) == before + sum(added)
