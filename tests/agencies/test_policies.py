"""/api/v1/policies: each agency's catalogue; an agency changes only its own."""

from tests.agencies.conftest import LOAN_SCHEMA


class TestCreatePolicy:
    def test_anonymous(self, client):
        assert client.post("/api/v1/policies", json={}).status_code == 401

    def test_officer_forbidden(self, client, tree, make_user, login):
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        assert client.post("/api/v1/policies", json={}, headers=officer).status_code == 403

    def test_invalid(self, client, bank):
        response = client.post(
            "/api/v1/policies",
            json={
                "code": "P1",
                "name": "x",
                "category": "yachts",
                "unit": "kg",
                "eligible_statuses": ["rich"],
            },
            headers=bank["headers"],
        )
        assert response.status_code == 422
        pointers = sorted(e["pointer"] for e in response.json()["errors"])
        assert pointers == ["/category", "/eligible_statuses/0", "/unit"]

    def test_bad_attribute_schema(self, client, bank, make_policy):
        for schema in (
            {"type": "array"},
            {"type": "object", "properties": {"x": {"type": "nonsense"}}},
            {"type": "object", "properties": {"x": {"$ref": "https://evil.example/s.json"}}},
        ):
            response = client.post(
                "/api/v1/policies",
                json={
                    "code": "S1",
                    "name": "x",
                    "category": "health",
                    "unit": "card",
                    "attributes_schema": schema,
                },
                headers=bank["headers"],
            )
            assert response.status_code == 422, schema
            assert response.json()["errors"][0]["pointer"] == "/attributes_schema"

    def test_valid(self, client, bank, make_policy):
        policy = make_policy(bank["headers"], name_en="Loans to poor households")
        assert policy["agency_id"] == bank["agency"]["id"]
        assert policy["attributes_schema"] == LOAN_SCHEMA
        assert policy["escaped_within_years"] == 3

    def test_code_unique_per_agency(self, client, bank, make_agency, make_key, make_policy):
        policy = make_policy(bank["headers"])
        again = client.post(
            "/api/v1/policies",
            json={"code": policy["code"], "name": "x", "category": "credit", "unit": "loan"},
            headers=bank["headers"],
        )
        assert again.status_code == 409
        other_headers, _ = make_key(make_agency(kind="health")["id"])
        elsewhere = client.post(
            "/api/v1/policies",
            json={"code": policy["code"], "name": "x", "category": "health", "unit": "card"},
            headers=other_headers,
        )
        assert elsewhere.status_code == 201

    def test_admin_names_the_agency(self, client, admin, bank):
        body = {"code": "ADM1", "name": "x", "category": "housing", "unit": "vnd"}
        assert client.post("/api/v1/policies", json=body, headers=admin).status_code == 422
        body["agency_id"] = bank["agency"]["id"]
        assert client.post("/api/v1/policies", json=body, headers=admin).status_code == 201

    def test_agency_cannot_create_for_another(self, client, bank, make_agency):
        other = make_agency()
        body = {
            "code": "X",
            "name": "x",
            "category": "housing",
            "unit": "vnd",
            "agency_id": other["id"],
        }
        assert (
            client.post("/api/v1/policies", json=body, headers=bank["headers"]).status_code == 403
        )


class TestReadAndChange:
    def test_agency_sees_only_its_own(self, client, bank, make_agency, make_key, make_policy):
        mine = make_policy(bank["headers"])
        other_headers, _ = make_key(make_agency(kind="health")["id"])
        theirs = make_policy(other_headers, category="health", unit="card", attributes_schema=None)
        listed = client.get("/api/v1/policies", headers=bank["headers"]).json()["items"]
        assert [p["id"] for p in listed] == [mine["id"]]
        url = f"/api/v1/policies/{theirs['id']}"
        assert client.get(url, headers=bank["headers"]).status_code == 404
        response = client.patch(
            url, json={"name": "hack"}, headers={**bank["headers"], "If-Match": "*"}
        )
        assert response.status_code == 404

    def test_officer_reads_every_agency(self, client, tree, make_user, login, loan_policy):
        officer = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        response = client.get(f"/api/v1/policies/{loan_policy['id']}", headers=officer)
        assert response.status_code == 200

    def test_update_with_if_match(self, client, bank, loan_policy):
        url = f"/api/v1/policies/{loan_policy['id']}"
        current = client.get(url, headers=bank["headers"])
        stale = client.patch(
            url, json={"name": "Mới"}, headers={**bank["headers"], "If-Match": '"x.v9"'}
        )
        assert stale.status_code == 412
        changed = client.patch(
            url,
            json={"eligible_statuses": ["poor", "near_poor"], "category": "health"},
            headers={**bank["headers"], "If-Match": current.headers["ETag"]},
        )
        assert changed.status_code == 422  # category never changes
        changed = client.patch(
            url,
            json={"eligible_statuses": ["poor", "near_poor"]},
            headers={**bank["headers"], "If-Match": current.headers["ETag"]},
        )
        assert changed.status_code == 200
        assert changed.json()["eligible_statuses"] == ["poor", "near_poor"]
        assert changed.headers["ETag"].endswith('.v2"')
