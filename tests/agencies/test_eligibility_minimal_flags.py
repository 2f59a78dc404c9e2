"""Eligibility answers give an agency only the household flags its own policies use
(Law 91/2025, minimisation); officers keep them all."""

from tests.agencies.test_eligibility import CITIZEN_ID

ALL_FLAGS = {
    "ethnic_minority",
    "meritorious_service",
    "social_protection",
    "without_labour_capacity",
}
LOOKUP = "/api/v1/eligibility/lookup"


def eligibility(client, household_id, headers, **params):
    url = f"/api/v1/households/{household_id}/eligibility"
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_no_flag_rule_no_flags(client, bank, households, loan_policy):
    assert loan_policy["required_flags"] == []
    assert eligibility(client, households[0]["id"], bank["headers"])["flags"] == {}


def test_only_the_flags_of_the_agencys_policies(client, bank, households, make_policy):
    make_policy(bank["headers"], required_flags=["social_protection"])
    make_policy(bank["headers"], required_flags=["ethnic_minority", "social_protection"])
    body = eligibility(client, households[0]["id"], bank["headers"])
    assert set(body["flags"]) == {"social_protection", "ethnic_minority"}


def test_another_agencys_rules_do_not_count(
    client, bank, households, loan_policy, make_agency, make_key, make_policy
):
    other, _ = make_key(make_agency(kind="health")["id"])
    make_policy(other, code="BHYT-DTTS", required_flags=["ethnic_minority"])
    assert eligibility(client, households[0]["id"], bank["headers"])["flags"] == {}


def test_an_inactive_policy_does_not_count(client, bank, households, make_policy):
    make_policy(bank["headers"], required_flags=["meritorious_service"], is_active=False)
    assert eligibility(client, households[0]["id"], bank["headers"])["flags"] == {}


def test_officers_keep_every_flag(client, admin, households, loan_policy):
    assert set(eligibility(client, households[0]["id"], admin)["flags"]) == ALL_FLAGS
    narrowed = eligibility(client, households[0]["id"], admin, agency_id=loan_policy["agency_id"])
    assert set(narrowed["flags"]) == ALL_FLAGS


def test_lookup_is_minimised_too(client, tree, make_household, bank, loan_policy):
    head = {
        "full_name": "Thạch Sơn",
        "gender": "male",
        "birth_year": 1990,
        "relation": "head",
        "citizen_id": CITIZEN_ID,
    }
    make_household(tree["hamlet_a"]["id"], members=[head])
    body = {"citizen_id": CITIZEN_ID, "purpose": "hồ sơ vay vốn"}
    response = client.post(LOOKUP, json=body, headers=bank["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["flags"] == {}
