"""GET /api/v1/households/{id}/profile: the single endpoints' answers side by side."""

from api.models import AuditEntry
from tests.api.test_contract import count
from tests.perf.conftest import *  # noqa: F403  (its fill fixture: households with records)

SECTIONS = {
    "timeline": "/households/{id}/timeline",
    "assessments": "/households/{id}/assessments?page_size=50",
    "needs": "/needs?household_id={id}&page_size=200",
    "supports": "/supports?household_id={id}&page_size=100",
    "visits": "/visits?household_id={id}&page_size=10",
    "assignments": "/assignments?household_id={id}&page_size=500",
    "sponsorships": "/sponsorships?household_id={id}&page_size=50",
}


def test_each_section_is_the_first_page_of_its_list_endpoint(client, admin, fill, tree):
    household_id = fill(2, records=3)[0]
    response = client.get(f"/api/v1/households/{household_id}/profile", headers=admin)
    assert response.status_code == 200, response.text
    profile = response.json()
    single = client.get(f"/api/v1/households/{household_id}", headers=admin)
    assert profile["household"] == single.json()
    assert profile["household_etag"] == single.headers["ETag"]
    for name, path in SECTIONS.items():
        expected = client.get("/api/v1" + path.format(id=household_id), headers=admin).json()
        assert profile[name] == expected, name
    assert len(profile["supports"]["items"]) == 3
    assert "ETag" not in response.headers  # the answer joins many records
    # Only the places the household names, with their names.
    named = {place["id"]: place["name"] for place in profile["places"]}
    assert named == {
        tree["hamlet_a"]["id"]: tree["hamlet_a"]["name"],
        tree["commune_a"]["id"]: tree["commune_a"]["name"],
    }


def test_a_section_continues_on_its_list_endpoint(client, admin, fill):
    household_id = fill(1, records=12)[0]  # 12 visits; the profile shows 10
    visits = client.get(f"/api/v1/households/{household_id}/profile", headers=admin).json()[
        "visits"
    ]
    assert len(visits["items"]) == 10
    rest = client.get(
        "/api/v1/visits",
        params={"household_id": household_id, "page_token": visits["next_page_token"]},
        headers=admin,
    ).json()
    everything = client.get(
        "/api/v1/visits", params={"household_id": household_id}, headers=admin
    ).json()
    assert visits["items"] + rest["items"] == everything["items"]


def test_scoped_masked_and_not_logged(client, db, make_user, login, make_household, tree):
    household = make_household(
        tree["hamlet_a"]["id"],
        members=[
            {
                "full_name": "Nguyễn Văn A",
                "gender": "male",
                "relation": "head",
                "birth_year": 1975,
                "citizen_id": "084075001234",
            }
        ],
        phone="0912345678",
    )
    path = f"/api/v1/households/{household['id']}/profile"
    own = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
    other = login(make_user("commune_officer", (tree["commune_b"]["id"],)))
    audited = count(db, AuditEntry)

    answer = client.get(path, headers=own)
    assert answer.status_code == 200, answer.text
    detail = answer.json()["household"]
    assert detail["members"][0]["citizen_id"] == "********1234"
    assert detail["phone"] != "0912345678"
    assert count(db, AuditEntry) == audited  # masked reads are not logged, as on GET /{id}
    # Outside the officer's places: not found, as everywhere in the API.
    assert client.get(path, headers=other).status_code == 404
    assert client.get("/api/v1/households/nope/profile", headers=own).status_code == 404
