"""Delivery charged to the ledger: exact against the analytics store, idempotent, prepaid pauses."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pytest
from sqlalchemy import func, select

from adplane.auth.models import FundsLedgerEntry, Organization
from adplane.auth.organizations import change_funds
from adplane.campaigns.models import Campaign
from adplane.finance.models import PAYMENT_TYPE_PREPAID, FundsPause, SpendPosting
from adplane.finance.spend import SPEND_KIND_NAMES, post_spend, set_payment_type
from adplane.simulator.simulation import simulate_period
from test_events_ingest import make_campaign

START = datetime(2026, 3, 1, 5, tzinfo=UTC)  # midnight US/Eastern
END = datetime(2026, 3, 20, 4, tzinfo=UTC)


def store_spend_total(store, ow_id: int) -> Decimal:
    """The store's spend computed independently: a sum over the raw events."""
    value = store.query("SELECT coalesce(sum(media_cost + data_cost + platform_margin), 0) FROM events "
                        "WHERE ow_id = ?", [ow_id])[0][0]
    return Decimal(str(value))


def ledger(db, ow_id: int) -> tuple[Decimal, Decimal, Decimal, int]:
    """(balance, sum of all entries, sum of spend entries, number of spend entries)."""
    with db.session() as session:
        balance = Decimal(session.get(Organization, ow_id).funds_balance)
        total = session.scalar(select(func.coalesce(func.sum(FundsLedgerEntry.amount), 0))
                               .where(FundsLedgerEntry.ow_id == ow_id))
        spend_rows = session.execute(select(func.coalesce(func.sum(FundsLedgerEntry.amount), 0), func.count())
                                     .where(FundsLedgerEntry.ow_id == ow_id,
                                            FundsLedgerEntry.kind.in_(SPEND_KIND_NAMES))).one()
    return balance, Decimal(str(total)), Decimal(str(spend_rows[0])), spend_rows[1]


def top_up(db, ow_id: int, amount: str) -> None:
    with db.session() as session:
        change_funds(session, ow_id, Decimal(amount), "top_up", "test")
        session.commit()


def test_a_simulated_week_is_charged_exactly_and_once(db, tenant, make_tenant, store):
    ow = tenant["owId"]
    other = make_tenant(host="ws2.test", organization="Org B", email="b@b.test")["owId"]
    top_up(db, ow, "1000")
    campaigns = [make_campaign(db, ow, start=START, end=END, budget_day=Decimal("40"), max_bid=Decimal("6")),
                 make_campaign(db, ow, start=START, end=END, budget_day=Decimal("25"), creative_type_id=14),
                 make_campaign(db, other, start=START, end=END, budget_day=Decimal("30"))]
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 1), date(2026, 3, 7), seed=11)
        first = post_spend(session, store)
    spent = store_spend_total(store, ow)
    assert spent > 0 and first.entries > 0
    balance, entries_sum, spend_sum, spend_entries = ledger(db, ow)
    assert spend_sum == -spent  # exact, to the micro-dollar
    assert balance == entries_sum == Decimal("1000") - spent
    assert ledger(db, other)[2] == -store_spend_total(store, other)

    # a second pass charges nothing; late events are charged once, by the next pass
    with db.session() as session:
        assert post_spend(session, store).entries == 0
    assert ledger(db, ow)[3] == spend_entries
    c = campaigns[0]
    late = pa.table({
        "event_time": pa.array([START + timedelta(days=2, hours=3)] * 3, pa.timestamp("us", tz="UTC")),
        "event_type": ["impression"] * 3, "ow_id": [ow] * 3, "io_id": [c["io_id"]] * 3,
        "campaign_id": [c["campaign_id"]] * 3, "creative_id": [c["creative_id"]] * 3,
        "creative_type_id": [11] * 3, "media_cost": [Decimal("0.004321")] * 3,
        "data_cost": [Decimal("0.000007")] * 3, "platform_margin": [Decimal("0.000001")] * 3,
    })
    store.append_events(late, batch_id="late-1")
    with db.session() as session:
        late_pass = post_spend(session, store)
        assert post_spend(session, store).entries == 0
    assert late_pass.entries == 3 and late_pass.charged == Decimal("0.012987")
    balance, entries_sum, spend_sum, _ = ledger(db, ow)
    assert spend_sum == -store_spend_total(store, ow) and balance == entries_sum
    with db.session() as session:
        posted = session.scalar(select(func.sum(SpendPosting.posted)).where(SpendPosting.ow_id == ow))
    assert Decimal(str(posted)) == store_spend_total(store, ow)


def test_a_prepaid_organization_pauses_at_zero_and_resumes_after_a_top_up(db, tenant, store):
    ow = tenant["owId"]
    with db.session() as session:
        set_payment_type(session, ow, PAYMENT_TYPE_PREPAID)
        session.commit()
    top_up(db, ow, "5")
    running = make_campaign(db, ow, start=START, end=END, budget_day=Decimal("50"))
    owner_paused = make_campaign(db, ow, start=START, end=END, status="paused")
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 1), date(2026, 3, 2), seed=3)
        result = post_spend(session, store)
    assert result.paused == [running["campaign_id"]]
    balance = ledger(db, ow)[0]
    assert balance < 0  # delivery already happened: it is charged in full, below zero
    with db.session() as session:
        assert session.get(Campaign, running["campaign_id"]).status == "paused"
        assert session.scalars(select(FundsPause.campaign_id)).all() == [running["campaign_id"]]
        assert post_spend(session, store).paused == []  # already paused: nothing to do twice

    top_up(db, ow, str(-balance + Decimal("100")))
    with db.session() as session:
        result = post_spend(session, store)
        assert result.resumed == [running["campaign_id"]]
        assert session.get(Campaign, running["campaign_id"]).status == "running"
        assert session.get(Campaign, owner_paused["campaign_id"]).status == "paused"
        assert session.scalars(select(FundsPause)).all() == []


def test_a_postpaid_organization_runs_into_a_negative_balance(db, tenant, store):
    ow = tenant["owId"]
    running = make_campaign(db, ow, start=START, end=END, budget_day=Decimal("20"))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 1), date(2026, 3, 1), seed=5)
        result = post_spend(session, store)
        assert result.paused == [] and session.get(Campaign, running["campaign_id"]).status == "running"
    balance, entries_sum, spend_sum, _ = ledger(db, ow)
    assert balance == entries_sum == spend_sum == -store_spend_total(store, ow) < 0


def test_concurrent_postings_and_top_ups_never_lose_or_double_an_entry(db, tenant, store, backend):
    if backend != "postgresql":
        pytest.skip("row locks: concurrent writers are a PostgreSQL deployment")
    ow = tenant["owId"]
    make_campaign(db, ow, start=START, end=END, budget_day=Decimal("60"))
    make_campaign(db, ow, start=START, end=END, budget_day=Decimal("35"))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 1), date(2026, 3, 5), seed=9)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def poster() -> None:
        try:
            barrier.wait()
            with db.session() as session:
                post_spend(session, store)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def payer() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                top_up(db, ow, "10.000001")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=poster) for _ in range(5)] + [threading.Thread(target=payer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    balance, entries_sum, spend_sum, _ = ledger(db, ow)
    assert spend_sum == -store_spend_total(store, ow)
    assert balance == entries_sum == Decimal("150.000015") + spend_sum


def test_operators_set_billing_terms_from_the_cli(tmp_path, database_url, db, tenant, monkeypatch):
    from typer.testing import CliRunner

    from adplane.cli.main import app
    from adplane.core.settings import get_settings
    from adplane.finance.spend import is_prepaid

    monkeypatch.setenv("ADPLANE_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    set_prepaid = runner.invoke(app, ["admin", "billing", "--ow-id", str(tenant["owId"]), "prepaid", "--json"])
    assert set_prepaid.exit_code == 0, set_prepaid.output
    with db.session() as session:
        assert is_prepaid(session, tenant["owId"])
    assert runner.invoke(app, ["admin", "billing", "--ow-id", str(tenant["owId"]), "postpaid"]).exit_code == 0
    with db.session() as session:
        assert not is_prepaid(session, tenant["owId"])
    assert runner.invoke(app, ["admin", "billing", "--ow-id", str(tenant["owId"]), "weekly"]).exit_code == 2
    assert runner.invoke(app, ["admin", "billing", "--ow-id", "999999", "prepaid"]).exit_code == 1
    get_settings.cache_clear()
