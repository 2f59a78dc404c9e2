"""A small world with every kind of caller of the API, for the security tests of issue 8.

Callers: anonymous, an administrator, a commune officer of commune A and one of commune B,
agency X and agency Y (keys with every scope), an auditor. Records: one of each kind, in
commune A, owned by agency X where an agency owns it.
"""

import pytest

from api.core.dates import today_in_vietnam
from tests.agencies.conftest import *  # noqa: F403  (app, callers, agencies, keys, policies)
from tests.agencies.conftest import (
    ALL_SCOPES,
    LOAN_SCHEMA,
    _apps,  # noqa: F401  (a fixture import * leaves out)
    support_body,
)
from tests.api.conftest import PASSWORD, unique_code

PRINCIPALS = ("anonymous", "admin", "officer_a", "officer_b", "agency_x", "agency_y", "auditor")
CITIZEN_ID = "084095001234"  # Trà Vinh, a man born in 1995
PHONE = "0912345678"
HOOK = "http://127.0.0.1:9/hook"


def created(response) -> dict:
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


@pytest.fixture
def world(client, admin, tree, make_user, login, make_agency, make_key):
    """Every caller's headers ("headers"), credentials ("users") and the records' ids."""
    officer_a_user = make_user("commune_officer", (tree["commune_a"]["id"],))
    officer_b_user = make_user("commune_officer", (tree["commune_b"]["id"],))
    auditor_user = make_user("auditor")
    agency_x, agency_y = make_agency(), make_agency()
    x_headers, x_key = make_key(agency_x["id"])
    y_headers, _ = make_key(agency_y["id"])
    headers = {
        "anonymous": {},
        "admin": admin,
        "officer_a": login(officer_a_user),
        "officer_b": login(officer_b_user),
        "agency_x": x_headers,
        "agency_y": y_headers,
        "auditor": login(auditor_user),
    }
    officer_a = headers["officer_a"]

    def post(url, body, who=admin):
        return created(client.post(url, json=body, headers=who))

    member = {
        "full_name": "Thạch Văn Sơn",
        "gender": "male",
        "birth_year": 1995,
        "relation": "head",
        "citizen_id": CITIZEN_ID,
    }
    household = post(
        "/api/v1/households",
        {
            "code": unique_code("HH"),
            "place_id": tree["hamlet_a"]["id"],
            "head_name": "Thạch Văn Sơn",
            "ethnicity": "khmer",
            "phone": PHONE,
            "members": [member],
        },
    )
    household_a2 = post(
        "/api/v1/households",
        {
            "code": unique_code("HH"),
            "place_id": tree["hamlet_a"]["id"],
            "head_name": "Sơn Văn Tư",
            "ethnicity": "khmer",
        },
    )
    household_b = post(
        "/api/v1/households",
        {
            "code": unique_code("HH"),
            "place_id": tree["hamlet_b"]["id"],
            "head_name": "Kim Thị Lan",
            "ethnicity": "khmer",
        },
    )
    assessment = post(
        f"/api/v1/households/{household['id']}/assessments",
        {"year": 2025, "income_per_capita": 1_200_000, "deprivations": ["HE2", "WS2", "HO1"]},
        officer_a,
    )
    need = post("/api/v1/needs", {"household_id": household["id"], "category": "health"})
    person = post(
        "/api/v1/persons",
        {
            "full_name": "Lê Văn Cán",
            "organisation": "commune_staff",
            "place_id": tree["commune_a"]["id"],
            "user_id": officer_a_user.id,
        },
    )
    assignment = post(
        "/api/v1/assignments",
        {
            "household_id": household["id"],
            "person_id": person["id"],
            "start_date": "2026-01-01",
            "reason": "Phân công",
        },
    )
    visit = post(
        "/api/v1/visits",
        {
            "household_id": household["id"],
            "visitor_id": person["id"],
            "visited_on": today_in_vietnam().isoformat(),
            "purpose": "follow_up",
        },
        officer_a,
    )
    policy = post(
        "/api/v1/policies",
        {
            "code": unique_code("POL"),
            "name": "Cho vay hộ nghèo",
            "category": "credit",
            "unit": "loan",
            "eligible_statuses": ["poor"],
            "default_funding_source": "policy_credit",
            "attributes_schema": LOAN_SCHEMA,
        },
        x_headers,
    )
    support = post(
        "/api/v1/supports",
        support_body(household["id"], policy["id"], unique_code("REF")),
        x_headers,
    )
    donated = post(
        "/api/v1/supports",
        support_body(
            household["id"],
            policy["id"],
            unique_code("REF"),
            funding_source="social_mobilisation",
        ),
        x_headers,
    )
    sponsor, sponsor2 = (
        post(
            "/api/v1/sponsors",
            {"kind": "business", "name": name, "place_id": tree["commune_a"]["id"]},
        )
        for name in ("Công ty Phát Đạt", "Hội Nông dân xã")
    )
    person2 = post(
        "/api/v1/persons",
        {
            "full_name": "Trần Thị Bích",
            "organisation": "womens_union",
            "place_id": tree["commune_a"]["id"],
        },
    )
    sponsorship = post(
        "/api/v1/sponsorships",
        {
            "household_id": household["id"],
            "start_date": "2026-01-01",
            "pledges": [{"sponsor_id": sponsor["id"], "amount_vnd": 2_000_000}],
        },
    )
    endpoint = post("/api/v1/webhooks", {"url": HOOK, "event_types": ["*"]}, x_headers)
    delivery = created(client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=x_headers))
    return {
        "headers": headers,
        "users": {
            "admin": None,
            "officer_a": officer_a_user,
            "officer_b": officer_b_user,
            "auditor": auditor_user,
        },
        "password": PASSWORD,
        "tree": tree,
        "keys": {"agency_x": x_key},
        "ids": {
            "user_id": officer_a_user.id,
            "place_id": tree["commune_a"]["id"],
            "household_id": household["id"],
            "household_a2_id": household_a2["id"],
            "household_b_id": household_b["id"],
            "member_id": household["members"][0]["id"],
            "code": "ND07-2021",
            "assessment_id": assessment["id"],
            "need_id": need["id"],
            "agency_id": agency_x["id"],
            "agency_y_id": agency_y["id"],
            "key_id": x_key["id"],
            "policy_id": policy["id"],
            "support_id": support["id"],
            "endpoint_id": endpoint["id"],
            "delivery_id": delivery["id"],
            "person_id": person["id"],
            "assignment_id": assignment["id"],
            "visit_id": visit["id"],
            "sponsor_id": sponsor["id"],
            "sponsor2_id": sponsor2["id"],
            "person2_id": person2["id"],
            "donated_support_id": donated["id"],
            "sponsorship_id": sponsorship["id"],
        },
    }


__all__ = ["ALL_SCOPES", "CITIZEN_ID", "PHONE", "PRINCIPALS", "created", "world"]
