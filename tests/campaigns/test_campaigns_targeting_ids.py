"""Demographic, OS and radius targeting on campaign writes: the simulator serves by them (age, gender, OS,
radius), so an id outside its list or an impossible circle is a 422 naming the field and writes nothing."""

from __future__ import annotations

import pytest

CIRCLE = {"latitude": 39.74, "longitude": -104.99, "radius": 10, "unit": "mile"}


@pytest.mark.parametrize("field, good, bad", [
    ("ageRangeIds", "10100003,10100004", "10100003,10100099"),
    ("genderIds", [10200002], [10200009]),
    ("os", "11,14", "11,99999"),
    ("languageIds", "10500048,10500164", "10500048,42"),
    ("ethnicityIds", "10700001", "10788888"),  # a group id, as IQM's example sends
    ("ethnicityIds", "10600001", "1"),
    ("incomeRangeIds", "10300001", "10300999"),
    ("whiteListedGeoRadiusDetails", [CIRCLE], [{**CIRCLE, "radius": 0}]),
    ("blackListedGeoRadiusDetails", [CIRCLE], [{**CIRCLE, "latitude": 91}]),
    ("geoRadiusDetails", [CIRCLE], [{**CIRCLE, "longitude": "east"}]),
])
def test_campaign_targeting_ids_are_validated(client, db, tenant, headers, field, good, bad):
    from adplane.campaigns.models import Campaign
    from campaign_helpers import add_rejects_then_accepts, error_fields

    campaign_id = add_rejects_then_accepts(client, db, tenant["owId"], headers, field, good, bad)
    update = client.patch(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers, json={field: bad})
    assert update.status_code == 422 and error_fields(update) == {field}
    with db.session() as session:
        assert session.get(Campaign, campaign_id).extra[field] == good  # the update changed nothing
