"""Healthcare reference data: NPI check digits and campaign NPI audiences."""

from __future__ import annotations

import pytest

from adplane.core.errors import ValidationFailed
from adplane.healthcare.audiences import (
    healthcare_campaign_ids,
    is_healthcare_campaign,
    npis_for_campaign,
    set_campaign_npis,
)
from adplane.healthcare.npi import check_digit, is_valid_npi, make_npi


def test_npi_check_digit_matches_the_cms_example():
    # CMS's worked example: 123456789 → check digit 3 (Luhn over 80840123456789).
    assert check_digit("123456789") == "3"
    assert is_valid_npi("1234567893")
    assert not is_valid_npi("1234567890")
    assert not is_valid_npi("3234567893")  # must start with 1 or 2
    assert not is_valid_npi("12345678")
    assert not is_valid_npi("12345678a3")


def test_made_npis_are_valid_and_distinct():
    npis = {make_npi(i) for i in range(1, 500)}
    assert len(npis) == 499
    assert all(is_valid_npi(n) for n in npis)


def test_campaign_npi_audience(db):
    a, b = make_npi(1), make_npi(2)
    with db.session() as session:
        assert npis_for_campaign(session, 10) == []
        assert not is_healthcare_campaign(session, 10)
        set_campaign_npis(session, 200001, 10, [b, a, a])
        set_campaign_npis(session, 200002, 11, [a])
        session.commit()
    with db.session() as session:
        assert npis_for_campaign(session, 10) == sorted([a, b])
        assert is_healthcare_campaign(session, 10)
        assert healthcare_campaign_ids(session, 200001) == {10}
        assert healthcare_campaign_ids(session, 200002) == {11}
        set_campaign_npis(session, 200001, 10, [b])
        session.commit()
        assert npis_for_campaign(session, 10) == [b]


def test_invalid_npis_are_refused_and_change_nothing(db):
    with db.session() as session:
        set_campaign_npis(session, 200001, 10, [make_npi(1)])
        session.commit()
        with pytest.raises(ValidationFailed) as err:
            set_campaign_npis(session, 200001, 10, ["1234567890"])
        session.rollback()
        assert "1234567890" in str(err.value)
        assert npis_for_campaign(session, 10) == [make_npi(1)]


def test_generator_is_seeded_and_builds_in_the_effect():
    from datetime import date

    from adplane.healthcare.synthetic import BRAND_ID, SyntheticSpec, generate

    spec = SyntheticSpec(seed=7, prescribers=50, weeks=10, lift=0.5, exposure_start=date(2026, 2, 2))
    first, again = generate(spec), generate(spec)
    assert first.dataset.weekly_volumes == again.dataset.weekly_volumes
    assert first.exposures == again.exposures and len(first.exposures) == 15
    assert all(is_valid_npi(p["npi"]) for p in first.dataset.prescribers)
    other = generate(SyntheticSpec(seed=8, prescribers=50, weeks=10))
    assert other.dataset.weekly_volumes != first.dataset.weekly_volumes
    # The brand volume of exposed prescribers after exposure is higher than before, on average.
    after, before = [], []
    for row in first.dataset.weekly_volumes:
        exposed_on = first.exposures.get(row["npi"])
        if row["concept_group_id"] == BRAND_ID and exposed_on is not None:
            (after if row["week_start"] > exposed_on else before).append(row["volume"])
    assert sum(after) / len(after) > 1.2 * sum(before) / len(before)


def test_csv_dataset_round_trip_and_bad_rows(tmp_path, db):
    from adplane.healthcare import dataset
    from adplane.healthcare.models import Prescriber, WeeklyVolume
    from adplane.healthcare.synthetic import SyntheticSpec, generate

    result = generate(SyntheticSpec(seed=2, prescribers=20, weeks=4))
    dataset.write_dir(result.dataset, tmp_path / "ds")
    loaded = dataset.read_dir(tmp_path / "ds")
    assert loaded.counts() == result.dataset.counts()
    assert loaded.concept_groups[0]["competitor_ids"] == result.dataset.concept_groups[0]["competitor_ids"]
    with db.session() as session:
        dataset.store(session, loaded)
        session.commit()
        assert session.query(Prescriber).count() == 20
        assert sum(v.volume for v in session.query(WeeklyVolume)) == sum(
            r["volume"] for r in result.dataset.weekly_volumes)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "prescribers.csv").write_text("npi,first_name,last_name,specialty,state,city,zip\n1234567890,A,B,C,NY,,\n")
    with pytest.raises(dataset.DatasetError, match="prescribers.csv:2"):
        dataset.read_dir(bad)
    (bad / "prescribers.csv").write_text("npi,first_name,last_name,specialty,state,city,zip\n1234567893,A,B,C,NY,,\n")
    (bad / "weekly_volumes.csv").write_text("npi,concept_group_id,week_start,volume\n1234567893,1,2026-13-01,3\n")
    with pytest.raises(dataset.DatasetError, match="week_start"):
        dataset.read_dir(bad)
    with pytest.raises(dataset.DatasetError, match="no dataset files"):
        dataset.read_dir(tmp_path)


def test_cli_generate_load_and_assign(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from adplane.cli.main import app

    monkeypatch.setenv("ADPLANE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    out = runner.invoke(app, ["healthcare", "generate", "--seed", "4", "--prescribers", "30", "--weeks", "6",
                              "--out", str(tmp_path / "csv"), "--json"])
    assert out.exit_code == 0, out.output
    loaded = runner.invoke(app, ["healthcare", "load", str(tmp_path / "csv"), "--json"])
    assert loaded.exit_code == 0, loaded.output
    assert '"prescribers": 30' in loaded.output
    npis = (tmp_path / "csv" / "exposures.csv").read_text()
    (tmp_path / "npis.txt").write_text(npis)
    assigned = runner.invoke(app, ["healthcare", "assign-npis", "--ow-id", "1", "--campaign-id", "9",
                                   "--npis-file", str(tmp_path / "npis.txt"), "--json"])
    assert assigned.exit_code == 0 and '"npis": 9' in assigned.output
    (tmp_path / "bad.txt").write_text("1234567890\n")
    refused = runner.invoke(app, ["healthcare", "assign-npis", "--ow-id", "1", "--campaign-id", "9",
                                  "--npis-file", str(tmp_path / "bad.txt")])
    assert refused.exit_code == 2


def test_generator_can_take_delivered_users_as_patients():
    from adplane.healthcare.synthetic import SyntheticSpec, generate

    result = generate(SyntheticSpec(seed=1, prescribers=5, weeks=2, audience_users=["7", "8", "9"]))
    assert [m["user_id"] for m in result.dataset.audience_members] == ["7", "8", "9"]
    assert {a["user_id"] for a in result.dataset.patient_attributes} <= {"7", "8", "9"}
