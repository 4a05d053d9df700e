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
