"""/api/v1/sponsors and /api/v1/sponsorships: sponsors, pledges, contributions delivered as
support records, and the report of pledged versus delivered."""

from datetime import date

import pytest

from api.models import Agency, AuditEntry, Event, Policy, Sponsorship, SponsorshipPledge, Support
from tests.field.conftest import count

SPONSORS = "/api/v1/sponsors"
SHIPS = "/api/v1/sponsorships"


@pytest.fixture
def make_household(make_household):
    """Households registered in 2020: the sponsorships below start in 2026, and none may
    start before the household existed."""

    def make(place_id, headers=None, **fields):
        return make_household(place_id, headers, **{"registered_on": "2020-01-01", **fields})

    return make


@pytest.fixture
def make_sponsor(client, admin, tree):
    def make(name="Hộ ông Kim Văn Phát", kind="well_off_household", place_id=None, headers=None):
        body = {"kind": kind, "name": name, "place_id": place_id or tree["hamlet_a"]["id"]}
        response = client.post(SPONSORS, json=body, headers=headers or admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def make_support(db):
    """A support record as an agency would send it through /api/v1/supports."""
    agency = Agency(code="MTTQ", name="Mặt trận Tổ quốc xã", kind="fatherland_front")
    db.add(agency)
    db.flush()
    policy = Policy(
        agency_id=agency.id, code="VD", name="Vận động", category="livelihood", unit="vnd"
    )
    db.add(policy)
    db.commit()

    def make(
        household_id, amount=1_000_000, funding_source="social_mobilisation", status="delivered"
    ):
        support = Support(
            agency_id=agency.id,
            policy_id=policy.id,
            household_id=household_id,
            category="livelihood",
            delivered_on=date(2026, 3, 1),
            amount_vnd=amount,
            funding_source=funding_source,
            status=status,
            recorded_by_kind="agency",
            recorded_by_id=agency.id,
        )
        db.add(support)
        db.commit()
        return support.id

    return make


@pytest.fixture
def sponsored(client, tree, make_household, make_sponsor, officer):
    """Two households: the Women's Union and a well-off household help the first one, the
    Women's Union alone the second one."""
    h1, h2 = make_household(tree["hamlet_a"]["id"]), make_household(tree["hamlet_a"]["id"])
    union = make_sponsor("Hội Phụ nữ xã", "mass_organisation")
    farmer = make_sponsor("Hộ ông Kim Văn Phát")
    pledges = [
        {"sponsor_id": union["id"], "amount_vnd": 2_000_000},
        {"sponsor_id": farmer["id"], "amount_vnd": 1_000_000, "items": "Giống lúa"},
    ]
    one = client.post(
        SHIPS,
        json={"household_id": h1["id"], "start_date": "2026-01-01", "pledges": pledges},
        headers=officer,
    )
    two = client.post(
        SHIPS,
        json={
            "household_id": h2["id"],
            "start_date": "2026-02-01",
            "pledges": [{"sponsor_id": union["id"], "amount_vnd": 3_000_000}],
        },
        headers=officer,
    )
    assert (one.status_code, two.status_code) == (201, 201), one.text
    return {
        "households": (h1, h2),
        "sponsors": (union, farmer),
        "sponsorships": (one.json(), two.json()),
    }


class TestCreateSponsor:
    def test_anonymous_and_forbidden(self, client, tree, auditor):
        body = {"kind": "business", "name": "Cty A", "place_id": tree["commune_a"]["id"]}
        assert client.post(SPONSORS, json=body).status_code == 401
        assert client.post(SPONSORS, json=body, headers=auditor).status_code == 403

    def test_invalid(self, client, tree, officer):
        for extra, pointer in (
            ({"kind": "bank", "place_id": tree["commune_a"]["id"]}, "/kind"),
            ({"kind": "business", "place_id": tree["commune_b"]["id"]}, "/place_id"),
        ):
            response = client.post(SPONSORS, json={"name": "Cty A", **extra}, headers=officer)
            assert response.status_code == 422
            assert response.json()["errors"][0]["pointer"] == pointer

    def test_valid(self, client, make_sponsor, officer, db):
        sponsor = make_sponsor("  Công ty  TNHH Cầu Kè ", "business", headers=officer)
        assert (sponsor["name"], sponsor["kind"], sponsor["is_active"]) == (
            "Công ty TNHH Cầu Kè",
            "business",
            True,
        )
        assert count(db, AuditEntry, entity="sponsor", entity_id=sponsor["id"]) == 1
        assert count(db, Event, type="sponsor.created", entity_id=sponsor["id"]) == 1


class TestListSponsors:
    def test_scoped_and_filtered(self, client, tree, make_sponsor, officer):
        assert client.get(SPONSORS).status_code == 401
        mine = make_sponsor(headers=officer)
        district = make_sponsor("Công ty TNHH Cầu Kè", "business", tree["district"]["id"])
        make_sponsor("Nhà hảo tâm B", "philanthropist", tree["hamlet_b"]["id"])
        listed = client.get(SPONSORS, headers=officer).json()["items"]
        assert sorted(s["id"] for s in listed) == sorted([mine["id"], district["id"]])
        found = client.get(SPONSORS, params={"q": "cau ke"}, headers=officer).json()["items"]
        assert [s["id"] for s in found] == [district["id"]]
        kind = client.get(SPONSORS, params={"kind": "well_off_household"}, headers=officer)
        assert [s["id"] for s in kind.json()["items"]] == [mine["id"]]


class TestReadSponsor:
    def test_not_found_elsewhere_and_valid(self, client, tree, make_sponsor, officer):
        theirs = make_sponsor("Nhà hảo tâm B", "philanthropist", tree["hamlet_b"]["id"])
        assert client.get(f"{SPONSORS}/{theirs['id']}").status_code == 401
        assert client.get(f"{SPONSORS}/{theirs['id']}", headers=officer).status_code == 404
        mine = make_sponsor()
        response = client.get(f"{SPONSORS}/{mine['id']}", headers=officer)
        assert (response.status_code, response.json()) == (200, mine)


class TestUpdateSponsor:
    def test_preconditions_and_valid(self, client, make_sponsor, officer, auditor, db):
        sponsor = make_sponsor()
        url = f"{SPONSORS}/{sponsor['id']}"
        body = {"representative": "Kim Văn Phát"}
        assert client.patch(url, json=body, headers=auditor).status_code == 403
        assert client.patch(url, json=body, headers=officer).status_code == 428
        stale = {**officer, "If-Match": f'"{sponsor["id"]}.v7"'}
        assert client.patch(url, json=body, headers=stale).status_code == 412
        headers = {**officer, "If-Match": f'"{sponsor["id"]}.v1"'}
        assert client.patch(url, json={"name": None}, headers=headers).status_code == 422
        updated = client.patch(url, json=body, headers=headers)
        assert updated.status_code == 200
        assert updated.json()["representative"] == "Kim Văn Phát"
        assert updated.headers["ETag"] == f'"{sponsor["id"]}.v2"'
        assert count(db, Event, type="sponsor.updated") == 1


class TestCreateSponsorship:
    def test_anonymous_and_forbidden(self, client, household, auditor):
        body = {"household_id": household["id"], "start_date": "2026-01-01", "pledges": []}
        assert client.post(SHIPS, json=body).status_code == 401
        assert client.post(SHIPS, json=body, headers=auditor).status_code == 403

    def test_bad_sponsorships_write_nothing(self, client, household, make_sponsor, officer, db):
        a, b = make_sponsor()["id"], make_sponsor("Hộ bà Thạch Thị Lan")["id"]
        base = {"household_id": household["id"], "start_date": "2026-01-01"}
        x = {"sponsor_id": b, "items": "x"}
        cases = [
            ({**base, "pledges": []}, "/pledges"),
            ({**base}, "/pledges"),
            ({**base, "pledges": [{"sponsor_id": a}]}, "/pledges/0"),
            ({**base, "pledges": [{"sponsor_id": "spn_x", "items": "x"}]}, "/pledges/0/sponsor_id"),
            ({**base, "pledges": [x, x]}, "/pledges/1/sponsor_id"),
            ({**base, "household_id": "hh_nope", "pledges": [x]}, "/household_id"),
            ({**base, "end_date": "2025-12-31", "pledges": [x]}, "/end_date"),
        ]
        for body, pointer in cases:
            response = client.post(SHIPS, json=body, headers=officer)
            assert response.status_code == 422, (pointer, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["errors"][0]["pointer"] == pointer
        first = client.post(SHIPS, json=cases[0][0], headers=officer).json()
        assert "needs at least one sponsor" in first["detail"]
        assert (count(db, Sponsorship), count(db, SponsorshipPledge)) == (0, 0)

    def test_several_households_help_one(self, sponsored, db):
        ship = sponsored["sponsorships"][0]
        assert (ship["model"], ship["pledged_amount_vnd"], ship["delivered_amount_vnd"]) == (
            "several_help_one",
            3_000_000,
            0,
        )
        assert [(p["sponsor_name"], p["amount_vnd"], p["items"]) for p in ship["pledges"]] == [
            ("Hội Phụ nữ xã", 2_000_000, None),
            ("Hộ ông Kim Văn Phát", 1_000_000, "Giống lúa"),
        ]
        assert sponsored["sponsorships"][1]["model"] == "one_sponsor"
        assert count(db, Event, type="sponsorship.created") == 2
        assert count(db, AuditEntry, entity="sponsorship") == 2


class TestListSponsorships:
    def test_scoped_and_filtered(self, client, sponsored, make_user, login, tree, officer):
        assert client.get(SHIPS).status_code == 401
        one, two = sponsored["sponsorships"]
        farmer = sponsored["sponsors"][1]
        newest_first = client.get(SHIPS, headers=officer).json()["items"]
        assert [s["id"] for s in newest_first] == [two["id"], one["id"]]
        by_sponsor = client.get(SHIPS, params={"sponsor_id": farmer["id"]}, headers=officer)
        assert [s["id"] for s in by_sponsor.json()["items"]] == [one["id"]]
        other = login(make_user("commune_officer", (tree["commune_b"]["id"],)))
        assert client.get(SHIPS, headers=other).json()["items"] == []


class TestReadSponsorship:
    def test_not_found_and_valid(self, client, sponsored, auditor):
        assert client.get(f"{SHIPS}/shp_nope", headers=auditor).status_code == 404
        one = sponsored["sponsorships"][0]
        response = client.get(f"{SHIPS}/{one['id']}", headers=auditor)
        assert (response.status_code, response.json()) == (200, one)
        assert response.headers["ETag"] == f'"{one["id"]}.v1"'


class TestUpdateSponsorship:
    def test_ending_needs_a_reason(self, client, sponsored, officer):
        url = f"{SHIPS}/{sponsored['sponsorships'][0]['id']}"
        assert (
            client.patch(url, json={"end_date": "2026-06-01"}, headers=officer).status_code == 428
        )
        headers = {**officer, "If-Match": client.get(url, headers=officer).headers["ETag"]}
        no_reason = client.patch(url, json={"end_date": "2026-06-01"}, headers=headers)
        assert no_reason.status_code == 422
        assert no_reason.json()["errors"][0]["pointer"] == "/end_reason"
        body = {"end_date": "2026-06-01", "end_reason": "Hộ đã thoát nghèo"}
        ended = client.patch(url, json=body, headers=headers)
        assert ended.status_code == 200
        assert (ended.json()["end_date"], ended.json()["end_reason"]) == (
            "2026-06-01",
            "Hộ đã thoát nghèo",
        )


class TestAddPledge:
    def test_another_sponsor_joins_once(self, client, sponsored, make_sponsor, officer, auditor):
        url = f"{SHIPS}/{sponsored['sponsorships'][0]['id']}/pledges"
        farmers = make_sponsor("Hội Nông dân xã", "mass_organisation")
        body = {"sponsor_id": farmers["id"], "items": "Tập huấn nuôi bò"}
        assert client.post(url, json=body, headers=auditor).status_code == 403
        assert (
            client.post(f"{SHIPS}/shp_nope/pledges", json=body, headers=officer).status_code == 404
        )
        joined = client.post(url, json=body, headers=officer)
        assert joined.status_code == 201, joined.text
        assert [p["sponsor_name"] for p in joined.json()["pledges"]][-1] == "Hội Nông dân xã"
        again = client.post(url, json=body, headers=officer)
        assert again.status_code == 409
        assert again.json()["errors"][0]["pointer"] == "/sponsor_id"


class TestLinkContribution:
    def test_bad_links_and_a_good_one(self, client, sponsored, make_support, officer, db):
        h1, h2 = sponsored["households"]
        union = sponsored["sponsors"][0]
        url = f"{SHIPS}/{sponsored['sponsorships'][0]['id']}/contributions"
        bad = [
            ("sp_nope", union["id"], "/support_id"),
            (make_support(h2["id"]), union["id"], "/support_id"),
            (make_support(h1["id"], funding_source="state_budget"), union["id"], "/support_id"),
            (make_support(h1["id"], status="planned"), union["id"], "/support_id"),
            (make_support(h1["id"]), None, "/sponsor_id"),
        ]
        for support_id, sponsor_id, pointer in bad:
            body = {"support_id": support_id, "sponsor_id": sponsor_id}
            response = client.post(url, json=body, headers=officer)
            assert response.status_code == 422, (pointer, response.text)
            assert response.json()["errors"][0]["pointer"] == pointer
        body = {"support_id": make_support(h1["id"], 1_500_000), "sponsor_id": union["id"]}
        linked = client.post(url, json=body, headers=officer)
        assert linked.status_code == 201, linked.text
        assert (linked.json()["amount_vnd"], linked.json()["status"]) == (1_500_000, "delivered")
        assert client.post(url, json=body, headers=officer).status_code == 409
        ship = client.get(url.rsplit("/", 1)[0], headers=officer).json()
        assert [(p["delivered_amount_vnd"], p["delivered_count"]) for p in ship["pledges"]] == [
            (1_500_000, 1),
            (0, 0),
        ]
        assert count(db, Event, type="sponsorship.contribution_recorded") == 1


class TestReport:
    def test_pledged_versus_delivered(self, client, sponsored, make_support, tree, officer, admin):
        assert client.get(f"{SHIPS}/report").status_code == 401
        (h1, h2), (union, _) = sponsored["households"], sponsored["sponsors"]
        one, two = sponsored["sponsorships"]
        for ship, household, amount in ((one, h1, 1_500_000), (two, h2, 3_000_000)):
            body = {"support_id": make_support(household["id"], amount), "sponsor_id": union["id"]}
            url = f"{SHIPS}/{ship['id']}/contributions"
            assert client.post(url, json=body, headers=officer).status_code == 201
        report = client.get(f"{SHIPS}/report", headers=officer).json()
        assert [
            (
                r["sponsor_name"],
                r["households"],
                r["pledged_amount_vnd"],
                r["delivered_amount_vnd"],
                r["delivered_pct"],
                r["pledged_items"],
            )
            for r in report["rows"]
        ] == [
            ("Hộ ông Kim Văn Phát", 1, 1_000_000, 0, 0.0, ["Giống lúa"]),
            ("Hội Phụ nữ xã", 2, 5_000_000, 4_500_000, 90.0, []),
        ]
        assert report["total"] == {
            "households": 2,
            "sponsorships": 2,
            "pledged_amount_vnd": 6_000_000,
            "delivered_amount_vnd": 4_500_000,
            "delivered_count": 2,
            "delivered_pct": 75.0,
        }
        active = client.get(f"{SHIPS}/report", params={"active_on": "2026-01-15"}, headers=officer)
        assert active.json()["total"]["sponsorships"] == 1
        elsewhere = {"place_id": tree["hamlet_b"]["id"]}
        assert client.get(f"{SHIPS}/report", params=elsewhere, headers=admin).json()["rows"] == []
