"""Targeting that matters: campaigns only take their own organization's audiences, and the delivery
simulator serves impressions only to users inside included audiences and outside excluded ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from adplane.audiences import catalog
from adplane.audiences.models import Audience, AudienceMember
from adplane.campaigns.models import Campaign
from adplane.simulator.simulation import simulate_period
from audience_helpers import create_ready, seed, users_with
from campaign_helpers import campaign_body, freeze, io_body, make_creative
from test_events_ingest import END, START, make_campaign


def _audience(db, ow_id: int, users: list[int], *, status: int = catalog.STATUS_READY, cost: str = "0") -> int:
    with db.session() as session:
        audience = Audience(ow_id=ow_id, name="direct", type_id=catalog.TYPE_MATCHED, status_id=status,
                            data_cost=Decimal(cost), reach=len(users))
        session.add(audience)
        session.flush()
        session.add_all(AudienceMember(audience_id=audience.id, user_id=u) for u in users)
        session.commit()
        return audience.id


def _target(db, campaign_id: int, **extra) -> None:
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        campaign.extra = {**(campaign.extra or {}), **extra}
        session.commit()


def _users(store, campaign_id: int) -> np.ndarray:
    rows = store.query("SELECT DISTINCT user_id FROM events WHERE campaign_id = ? AND event_type = 'impression'",
                       [campaign_id])
    return np.array(sorted(int(r[0]) for r in rows), dtype=np.int64)


def test_delivery_stays_inside_included_and_outside_excluded(db, tenant, store):
    ow = tenant["owId"]
    members = list(range(10, 2010, 2))  # 1,000 users
    blocked = list(range(1, 60))  # the heaviest users of the simulator's heavy-tailed draw
    included = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    excluded = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    both = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    empty = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    audience_in = _audience(db, ow, members, cost="2.5")
    audience_out = _audience(db, ow, blocked)
    pending = _audience(db, ow, members, status=catalog.STATUS_PENDING)
    _target(db, included["campaign_id"], whiteListedAudienceIds=str(audience_in))
    _target(db, excluded["campaign_id"], blackListedAudienceIds=[audience_out])
    _target(db, both["campaign_id"], whiteListedAudienceIds=f"{audience_in}", blackListedAudienceIds=f"{audience_in}")
    _target(db, empty["campaign_id"], whiteListedAudienceIds=str(pending))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 2), seed=3)
    inside = _users(store, included["campaign_id"])
    assert len(inside) > 50 and np.isin(inside, members).all()
    outside = _users(store, excluded["campaign_id"])
    assert len(outside) > 50 and not np.isin(outside, blocked).any()
    assert len(_users(store, both["campaign_id"])) == 0  # included minus excluded is nobody
    assert len(_users(store, empty["campaign_id"])) == 0  # a pending audience reaches no one yet
    # the included audience's data CPM is in the campaign's data cost
    [(data_cost, imps)] = store.query("SELECT sum(data_cost), count(*) FROM events WHERE campaign_id = ? "
                                      "AND event_type = 'impression'", [included["campaign_id"]])
    [(plain_cost, plain_imps)] = store.query("SELECT sum(data_cost), count(*) FROM events WHERE campaign_id = ? "
                                             "AND event_type = 'impression'", [excluded["campaign_id"]])
    assert Decimal(data_cost) / imps > Decimal(plain_cost) / plain_imps + Decimal("0.0015")


def test_campaign_audience_ids_are_own_and_usable(client, app, db, headers, other_headers, tenant):
    freeze()
    seed(db)
    mine = create_ready(client, app, headers, users_with(catalog.KIND_EMAIL)[:3], name="Mine")
    other_creative = make_creative(db, tenant["owId"])
    io_id = client.post("/api/v3/cmp/io/add", headers=headers, json=io_body()).json()["data"]["ioId"]
    body = campaign_body(io_id, other_creative, whiteListedAudienceIds=str(mine))
    created = client.post("/api/v2/cmp/campaigns/add", headers=headers, json=body)
    assert created.status_code == 200, created.text
    campaign_id = created.json()["responseObject"]["data"]
    # an audience a campaign targets is not deleted
    refused = client.delete(f"/api/v3/audience?audienceIds={mine}", headers=headers).json()["data"]
    assert refused["failedAudienceIds"] == [mine] and refused["successfulAudienceIds"] == []
    details = client.get(f"/api/v3/audience/matched/{mine}?campaignTargetingRequired=true", headers=headers)
    assert details.json()["data"]["whitelistedCampaignIds"] == [campaign_id]
    # another organization's audience is 404 like an unknown one; malformed ids are 422
    other_ow = int(other_headers["X-IAA-OW-ID"])
    theirs = _audience(db, other_ow, [1, 2, 3])
    for extra, status, field in (({"blackListedAudienceIds": "999999"}, 404, "blackListedAudienceIds"),
                                 ({"whiteListedAudienceIds": [theirs]}, 404, "whiteListedAudienceIds"),
                                 ({"whiteListedAudienceIds": "1,x"}, 422, "whiteListedAudienceIds"),
                                 ({"whiteListedAudienceIds": str(mine), "blackListedAudienceIds": str(mine)}, 422,
                                  "blackListedAudienceIds")):
        answer = client.post("/api/v2/cmp/campaigns/add", headers=headers, json=campaign_body(io_id, other_creative,
                                                                                             **extra))
        assert answer.status_code == status, answer.text
        assert answer.json()["errorObjects"][0]["field"] == field
