"""Agencies, keys and policies for the tests of issue 4; the live-server fixtures."""

import pytest

from api.main import create_app
from tests.agencies.live import live_server, receiver  # noqa: F401  (session fixtures)
from tests.api.conftest import *  # noqa: F403  (shared callers and records)
from tests.api.conftest import unique_code

ALL_SCOPES = [
    "policies:read",
    "policies:write",
    "supports:read",
    "supports:write",
    "eligibility:read",
    "citizens:lookup",
    "events:read",
    "webhooks:write",
    "keys:write",
]
LOAN_SCHEMA = {
    "type": "object",
    "properties": {
        "term_months": {"type": "integer", "minimum": 1, "maximum": 120},
        "interest_rate": {"type": "number", "minimum": 0, "maximum": 20},
        "card_number": {"type": "string", "pattern": "^[0-9]{10,15}$"},
    },
    "required": ["term_months"],
    "additionalProperties": False,
}


@pytest.fixture(scope="session")
def _apps() -> dict:
    return {}


@pytest.fixture
def app(settings, engine, session_factory, _apps):
    """One app per database for the whole session (building one costs ~0.1 s); each test
    plugs in its own rolled-back session factory, which requests read at request time."""
    key = str(engine.url)
    if key not in _apps:
        _apps[key] = create_app(
            settings, engine=engine, session_factory=session_factory, with_web=False
        )
    _apps[key].state.session_factory = session_factory
    return _apps[key]


@pytest.fixture
def make_agency(client, admin):
    def make(kind: str = "social_policy_bank", place_ids: tuple[str, ...] = (), **fields):
        body = {
            "code": unique_code("AG"),
            "name": "Ngân hàng Chính sách xã hội",
            "kind": kind,
            "place_ids": list(place_ids),
            **fields,
        }
        response = client.post("/api/v1/agencies", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def make_key(client, admin):
    """A key for an agency: returns (headers, the created key's JSON)."""

    def make(agency_id: str, scopes=tuple(ALL_SCOPES), **fields):
        response = client.post(
            f"/api/v1/agencies/{agency_id}/keys",
            json={"scopes": list(scopes), **fields},
            headers=admin,
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return {"Authorization": f"Bearer {body['key']}"}, body

    return make


@pytest.fixture
def make_policy(client):
    def make(headers, **fields):
        body = {
            "code": unique_code("POL"),
            "name": "Cho vay hộ nghèo",
            "category": "credit",
            "unit": "loan",
            "eligible_statuses": ["poor"],
            "default_funding_source": "policy_credit",
            "attributes_schema": LOAN_SCHEMA,
            **fields,
        }
        response = client.post("/api/v1/policies", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def bank(make_agency, make_key):
    """The Social Policy Bank branch with a key holding every scope."""
    agency = make_agency()
    headers, key = make_key(agency["id"])
    return {"agency": agency, "headers": headers, "key": key}


@pytest.fixture
def loan_policy(bank, make_policy):
    return make_policy(bank["headers"])


@pytest.fixture
def households(tree, make_household):
    return [make_household(tree["hamlet_a"]["id"]) for _ in range(3)]


def support_body(household_id: str, policy_id: str, ref: str, **fields) -> dict:
    return {
        "household_id": household_id,
        "policy_id": policy_id,
        "delivered_on": "2026-03-15",
        "amount_vnd": 50_000_000,
        "external_ref": ref,
        "attributes": {"term_months": 36, "interest_rate": 6.6},
        **fields,
    }
