"""SDK insight methods (PLD, SLS, AQS) against the live server over the synthetic healthcare world."""

from __future__ import annotations

from typing import Any

import pytest

from adplane.client import AdplaneClient, ApiError, NotFoundError, ValidationError
from adplane.client.resources.insights import CSV, XLSX
from adplane.client.testing import LiveServer
from adplane.insights.export import read_csv_sections
from adplane.insights.worker import generate_pending
from test_client import api, client_clock, live_server, recorder, sdk_kwargs, server_settings  # noqa: F401
from test_insights_world import CAMPAIGN_IDS, PLD_SAMPLE_CAMPAIGN, STUDY_END, STUDY_START, World, build_world, ms


@pytest.fixture
def world(api: AdplaneClient, live_server: LiveServer, tenant: dict[str, Any], db) -> World:  # noqa: ANN001, F811
    built = build_world(db, live_server.app, tenant["owId"])
    yield built
    live_server.app.state.analytics.reset()


def run_worker(server: LiveServer) -> int:
    """What `adplane serve` does in the background: generate the pending insight reports."""
    state = server.app.state
    return generate_pending(state.db, state.settings, state.analytics)


def test_pld_generate_wait_and_download(api: AdplaneClient, world: World, live_server: LiveServer) -> None:  # noqa: F811
    eligible = api.insights.pld.campaigns()
    assert sorted(c["campaignId"] for c in eligible["running"]) == sorted([*CAMPAIGN_IDS, PLD_SAMPLE_CAMPAIGN])
    created = api.insights.pld.generate(campaign_id=1, pld_start_date=ms(STUDY_START), pld_end_date=ms(STUDY_END))
    assert created["pldReportCreated"] is True and created["pldChargeableImps"] == world.impressions((1,))
    assert run_worker(live_server) == 1
    reports = list(api.insights.pld.iter(page_size=1))
    assert [(r["pldId"], r["pldStatusId"]) for r in reports] == [(created["pldId"], 2)]
    link = api.insights.pld.download(created["pldId"], CSV)["pldReportUrl"]
    table = read_csv_sections(api.download(link).decode())["Provider Level Data"]
    assert sum(int(row["Impressions"]) for row in table) == world.impressions((1,))
    assert api.download(api.insights.pld.download(created["pldId"], XLSX)["pldReportUrl"])[:2] == b"PK"
    assert api.insights.pld.email(created["pldId"], ["ops@example.com"], CSV) == {
        "message": "PLD report e-mail sent successfully."}
    assert api.insights.pld.save_columns(ioId=True)["ioId"] is True
    assert api.insights.pld.columns()["ioId"] is True
    with pytest.raises(ValidationError):
        api.insights.pld.delete(created["pldId"])  # a ready report is kept


def test_pld_errors_and_isolation(api: AdplaneClient, world: World, live_server: LiveServer,  # noqa: F811
                                  make_tenant) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        api.insights.pld.generate(campaign_id=1, pld_start_date=ms(STUDY_END), pld_end_date=ms(STUDY_START))
    assert caught.value.fields == ["pldEndDate"]
    with pytest.raises(NotFoundError):
        api.insights.pld.generate(campaign_id=777, pld_start_date=1, pld_end_date=2)
    with pytest.raises(ApiError) as unsupported:
        api.insights.pld.download(1, 9)
    assert unsupported.value.status_code == 400
    created = api.insights.pld.generate(campaign_id=2, pld_start_date=ms(STUDY_START), pld_end_date=ms(STUDY_END))
    other = make_tenant(organization="Org B", email="admin@b.test")
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, other)) as other_api:
        with pytest.raises(NotFoundError):
            other_api.insights.pld.download(created["pldId"])
        with pytest.raises(NotFoundError):
            other_api.insights.pld.delete(created["pldId"])
        assert other_api.insights.pld.list()["totalRecords"] == 0
        assert other_api.insights.pld.campaigns()["running"] == []


def test_sls_and_aqs(api: AdplaneClient, world: World, live_server: LiveServer) -> None:  # noqa: F811
    assert api.insights.sls.validate_name("Cardio study") == "This SLS report name is valid"
    sls = {"campaignIds": [1, 2], "slsStartDate": ms(STUDY_START), "slsEndDate": ms(STUDY_END),
           "slsName": "Cardio study", "conceptGroupId": 202335, "reportTypes": [1]}
    cost = api.insights.sls.computation(sls)
    generated = api.insights.sls.generate(sls)
    assert cost["slsChargeableImps"] == generated["slsChargeableImps"] == world.impressions((1, 2))
    assert generated["slsReportCreated"] is True and generated["campaignIds"] == [1, 2]
    aqs = {"campaignId": 1, "aqsStartDate": int(STUDY_START.timestamp()), "aqsEndDate": int(STUDY_END.timestamp()),
           "aqsName": "Cardio audience", "aqsAudienceConceptGroups": {"audienceId": 101, "conceptGroupId": "202335"}}
    assert api.insights.aqs.validate_name("Cardio audience")["available"] is True
    quote = api.insights.aqs.computation(aqs)
    assert quote["aqsChargeableImps"] == world.impressions((1,)) and quote["aqsReportCreatable"] is True
    assert api.insights.aqs.generate(aqs)["aqsReportCreated"] is True
    assert run_worker(live_server) == 2
    sls_reports = list(api.insights.sls.iter())
    aqs_reports = list(api.insights.aqs.iter())
    assert len(sls_reports) == len(aqs_reports) == 1
    with pytest.raises(ApiError) as taken:
        api.insights.sls.validate_name("Cardio study")
    assert taken.value.status_code == 400 and "Cardio study" in taken.value.message
    sls_id = sls_reports[0].get("slsId", sls_reports[0].get("id"))
    aqs_id = aqs_reports[0].get("reportId", aqs_reports[0].get("id"))
    sls_link = api.insights.sls.download(sls_id, CSV)["slsReportUrl"]
    assert read_csv_sections(api.download(sls_link).decode())
    aqs_link = api.insights.aqs.download(aqs_id, CSV)["reportUrl"]
    assert read_csv_sections(api.download(aqs_link).decode())
    assert api.insights.aqs.report_types()["reportTypeData"][0]["name"] == "audience"
    assert api.master.aqs_report_types() == api.insights.aqs.report_types()
    assert {c["campaignId"] for c in api.insights.sls.campaigns()["running"]} >= set(CAMPAIGN_IDS)
    assert {c["campaignId"] for c in api.insights.aqs.campaigns()["running"]} >= set(CAMPAIGN_IDS)
    assert api.insights.sls.email(sls_id, ["ops@example.com"], CSV)["message"].startswith("SLS")
    assert api.insights.aqs.email(aqs_id, ["ops@example.com"], CSV)["message"].startswith("AQS")
    with pytest.raises(ValidationError):
        api.insights.sls.delete(sls_id)  # ready reports are kept
    with pytest.raises(ValidationError):
        api.insights.aqs.delete(aqs_id)
    assert api.insights.sls.report_types()["totalRecords"] >= 1
    assert [s["name"] for s in api.master.insight_statuses()["insightsStatusData"]] == ["processing", "ready",
                                                                                         "failed"]
    assert api.master.insight_types()["totalRecords"] == 1
