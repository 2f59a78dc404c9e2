"""GET /api/v1/events: the change feed, its visibility, cursor and retention."""

import re
import time
from pathlib import Path

from api.events.catalogue import EVENT_TYPES
from api.events.feed import Cursor
from tests.agencies.conftest import support_body

URL = "/api/v1/events"


def read_all(client, headers, after=None, limit=100):
    items, cursor = [], after
    while True:
        params = {"limit": limit, **({"after": cursor} if cursor else {})}
        response = client.get(URL, params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if len(page["items"]) < limit:
            return items, cursor


class TestFeed:
    def test_anonymous_and_scope(self, client, make_agency, make_key):
        assert client.get(URL).status_code == 401
        headers, _ = make_key(make_agency()["id"], scopes=["supports:write"])
        assert client.get(URL, headers=headers).status_code == 403

    def test_an_agency_serving_some_places_sees_its_own_key_events(
        self, client, tree, make_agency, make_key
    ):
        local = make_agency(kind="health", place_ids=(tree["commune_a"]["id"],))
        headers, key = make_key(local["id"])
        other = make_agency(kind="health")
        make_key(other["id"])
        items, _ = read_all(client, headers)
        keys = [e["data"] for e in items if e["type"] == "api_key.created"]
        assert [k.get("key_id") or k.get("api_key_id") for k in keys] == [key["id"]]

    def test_agency_sees_its_own_and_household_events(
        self, client, tree, make_household, bank, loan_policy, make_agency, make_key, make_policy
    ):
        household = make_household(tree["hamlet_a"]["id"])
        mine = client.post(
            "/api/v1/supports",
            json=support_body(household["id"], loan_policy["id"], "EV-1"),
            headers=bank["headers"],
        ).json()
        other_headers, _ = make_key(make_agency(kind="health")["id"])
        card = make_policy(
            other_headers,
            category="health",
            unit="card",
            attributes_schema=None,
            default_funding_source="state_budget",
        )
        theirs = client.post(
            "/api/v1/supports",
            json={
                "household_id": household["id"],
                "policy_id": card["id"],
                "delivered_on": "2026-01-01",
                "quantity": 1,
                "external_ref": "EV-2",
            },
            headers=other_headers,
        ).json()
        items, _ = read_all(client, bank["headers"])
        seen = {
            (e["type"], e["data"].get("support_id") or e["data"].get("household_id")) for e in items
        }
        assert ("household.created", household["id"]) in seen
        assert ("support.recorded", mine["id"]) in seen
        assert ("support.recorded", theirs["id"]) not in seen
        assert all(set(e) == {"id", "type", "occurred_at", "data"} for e in items)
        assert all(e["id"].startswith("evt_") for e in items)

    def test_officer_sees_only_their_places(self, client, tree, make_household, make_user, login):
        inside = make_household(tree["hamlet_a"]["id"])
        outside = make_household(tree["hamlet_b"]["id"])
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        items, _ = read_all(client, officer)
        households = {e["data"].get("household_id") for e in items}
        assert inside["id"] in households
        assert outside["id"] not in households

    def test_cursor_pages_in_order_without_repeats(self, client, admin, tree, make_household):
        created = [make_household(tree["hamlet_a"]["id"])["id"] for _ in range(5)]
        everything, cursor = read_all(client, admin, limit=2)
        ids = [e["id"] for e in everything]
        assert len(ids) == len(set(ids))
        order = [e["data"]["household_id"] for e in everything if e["type"] == "household.created"]
        assert order[-5:] == created
        assert client.get(URL, params={"after": cursor}, headers=admin).json()["items"] == []
        later = make_household(tree["hamlet_a"]["id"])["id"]
        fresh = client.get(URL, params={"after": cursor}, headers=admin).json()["items"]
        assert [e["data"]["household_id"] for e in fresh] == [later]

    def test_types_filter(self, client, admin, tree, make_household, bank, loan_policy):
        household = make_household(tree["hamlet_a"]["id"])
        client.post(
            "/api/v1/supports",
            headers=bank["headers"],
            json=support_body(household["id"], loan_policy["id"], "T-1"),
        )
        response = client.get(URL, params={"type": "support.recorded"}, headers=admin)
        assert {e["type"] for e in response.json()["items"]} == {"support.recorded"}

    def test_expired_and_garbled_cursors(self, client, admin, settings):
        old = Cursor(xid=None, id=1, at=int(time.time()) - 31 * 86400).encode()
        gone = client.get(URL, params={"after": old}, headers=admin)
        assert gone.status_code == 410
        assert gone.headers["content-type"] == "application/problem+json"
        fresh = Cursor(xid=None, id=1, at=int(time.time()) - 29 * 86400).encode()
        assert client.get(URL, params={"after": fresh}, headers=admin).status_code == 200
        assert client.get(URL, params={"after": "nonsense!"}, headers=admin).status_code == 400

    def test_catalogue(self, client, bank):
        types = {t["type"] for t in client.get(f"{URL}/types", headers=bank["headers"]).json()}
        assert {
            "household.status_changed",
            "support.recorded",
            "need.met",
            "visit.recorded",
        } <= types


def test_every_event_type_emitted_is_in_the_catalogue():
    """Webhook subscriptions are checked against the catalogue: it must know every type."""
    source = Path(__file__).resolve().parents[2] / "api"
    emitted = set()
    for path in source.rglob("*.py"):
        emitted |= set(re.findall(r'type="([a-z_]+\.[a-z_]+)"', path.read_text()))
    emitted.discard("webhook.test")
    missing = sorted(emitted - set(EVENT_TYPES))
    assert missing == [], f"add these to api/events/catalogue.py: {missing}"
