"""An administrator limited to some places cannot reach beyond them: not through another
account, nor through an agency, its keys or its webhooks. And a key cannot outlive the key
that made it."""

from datetime import timedelta

from api.models.base import utcnow
from tests.agencies.conftest import ALL_SCOPES


def test_a_limited_admin_cannot_read_or_change_an_account_reaching_outside(
    client, tree, make_user, login
):
    limited = login(make_user("admin", (tree["commune_a"]["id"],)))
    inside = make_user("commune_officer", (tree["commune_a"]["id"],))
    both = make_user("commune_officer", (tree["commune_a"]["id"], tree["commune_b"]["id"]))
    everywhere = make_user("admin")
    listed = {u["id"] for u in client.get("/api/v1/users", headers=limited).json()["items"]}
    assert inside.id in listed
    assert both.id not in listed and everywhere.id not in listed
    assert client.get(f"/api/v1/users/{both.id}", headers=limited).status_code == 404
    taken = client.patch(
        f"/api/v1/users/{both.id}",
        json={"password": "Zq8#pLm2vv-rTx"},
        headers={**limited, "If-Match": "*"},
    )
    assert taken.status_code == 404


def test_a_limited_admin_cannot_make_agencies_keys_or_webhooks(
    client, tree, make_user, login, bank
):
    limited = login(make_user("admin", (tree["commune_a"]["id"],)))
    agency = client.post(
        "/api/v1/agencies",
        json={"code": "RAG", "name": "Rogue", "kind": "other", "place_ids": []},
        headers=limited,
    )
    assert agency.status_code == 403
    assert agency.headers["content-type"] == "application/problem+json"
    key = client.post(
        f"/api/v1/agencies/{bank['agency']['id']}/keys",
        json={"scopes": ["events:read"]},
        headers=limited,
    )
    assert key.status_code == 403
    hook = client.post(
        "/api/v1/webhooks",
        json={
            "url": "http://127.0.0.1:9/hook",
            "event_types": ["*"],
            "agency_id": bank["agency"]["id"],
        },
        headers=limited,
    )
    assert hook.status_code == 403


def test_a_key_made_by_an_expiring_key_expires_with_it(client, make_agency, make_key):
    agency = make_agency()
    ends = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    headers, _ = make_key(agency["id"], scopes=ALL_SCOPES, expires_at=ends.isoformat())
    url = f"/api/v1/agencies/{agency['id']}/keys"
    later = client.post(
        url,
        json={"scopes": ["events:read"], "expires_at": (ends + timedelta(days=1)).isoformat()},
        headers=headers,
    )
    assert later.status_code == 422
    assert later.json()["errors"][0]["pointer"] == "/expires_at"
    unset = client.post(url, json={"scopes": ["events:read"]}, headers=headers)
    assert unset.status_code == 201, unset.text
    assert unset.json()["expires_at"].replace("Z", "+00:00") == ends.isoformat()


def test_an_expiry_without_a_time_zone_is_refused_not_a_500(client, admin, make_agency):
    agency = make_agency()
    response = client.post(
        f"/api/v1/agencies/{agency['id']}/keys",
        json={"scopes": ["events:read"], "expires_at": "2030-01-01T00:00:00"},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/expires_at"
