"""/api/v1/households: register, read, edit, move, archive and restore households."""

import unicodedata
from datetime import timedelta

from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.models import AuditEntry, Event, Household, HouseholdMove, Member
from tests.api.test_contract import (
    app,  # noqa: F401  (one app per run: fast)
    count,
    pointers,
    problem,
)

URL = "/api/v1/households"
HEAD_ID = "084080123456"  # a man born 1980 in Trà Vinh
SPOUSE_ID = "084185000001"  # a woman born 1985


def written(db) -> tuple[int, ...]:
    return tuple(
        count(db, model) for model in (Household, Member, HouseholdMove, AuditEntry, Event)
    )


def head(**extra) -> dict:
    return {
        "full_name": "Nguyễn Văn An",
        "gender": "male",
        "birth_year": 1980,
        "relation": "head",
        "citizen_id": HEAD_ID,
        **extra,
    }


def spouse(**extra) -> dict:
    return {
        "full_name": "Lê Thị Bình",
        "gender": "female",
        "birth_year": 1985,
        "relation": "spouse",
        "citizen_id": SPOUSE_ID,
        **extra,
    }


def body_for(place_id: str, **extra) -> dict:
    return {
        "code": "HH-0001",
        "place_id": place_id,
        "head_name": "Nguyễn Văn An",
        "ethnicity": "kinh",
        **extra,
    }


def if_match(headers: dict, household: dict, version: int = 1) -> dict:
    return {**headers, "If-Match": f'"{household["id"]}.v{version}"'}


def audit_actions(db, entity_id: str) -> list[str]:
    stmt = select(AuditEntry.action).where(AuditEntry.entity_id == entity_id)
    return list(db.exec(stmt.order_by(AuditEntry.id)))


class TestCreateHousehold:
    def test_anonymous_gets_401(self, client, tree, db):
        before = written(db)
        problem(client.post(URL, json=body_for(tree["hamlet_a"]["id"])), 401)
        assert written(db) == before

    def test_auditor_gets_403(self, client, tree, make_user, login, db):
        headers = login(make_user("auditor"))
        before = written(db)
        problem(client.post(URL, json=body_for(tree["hamlet_a"]["id"]), headers=headers), 403)
        assert written(db) == before

    def test_invalid_body_names_the_field(self, client, admin, tree, db):
        before = written(db)
        for change, pointer in [
            ({"code": ""}, "/code"),
            ({"code": "HH 1"}, "/code"),
            ({"code": "x" * 33}, "/code"),
            ({"head_name": ""}, "/head_name"),
            ({"head_name": "x" * 201}, "/head_name"),
            ({"ethnicity": "martian"}, "/ethnicity"),
            ({"ethnicity": None}, "/ethnicity"),
            ({"phone": "call me"}, "/phone"),
            ({"address": "x" * 301}, "/address"),
            ({"notes": "x" * 2001}, "/notes"),
            ({"meritorious_service": "maybe"}, "/meritorious_service"),
            ({"status": "poor"}, "/status"),
            ({"commune_id": tree["commune_a"]["id"]}, "/commune_id"),
            ({"members": {}}, "/members"),
            ({"members": [head(), head(citizen_id=None)]}, "/members"),
            ({"members": [head(), head(relation="sibling")]}, "/members"),
            ({"members": [head(), spouse(birth_year="old")]}, "/members/1/birth_year"),
            ({"members": [head(citizen_id="08408012345")]}, "/members/0/citizen_id"),
            ({"members": [head(nickname="An")]}, "/members/0/nickname"),
        ]:
            body = body_for(tree["hamlet_a"]["id"], **change)
            response = client.post(URL, json=body, headers=admin)
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before

    def test_missing_fields_are_each_named(self, client, admin, db):
        before = written(db)
        body = problem(client.post(URL, json={"code": "HH-1"}, headers=admin), 422)
        assert sorted(pointers(body)) == ["/ethnicity", "/head_name", "/place_id"]
        assert written(db) == before

    def test_place_must_be_a_current_commune_or_hamlet(self, client, admin, make_place, tree, db):
        closed = make_place("hamlet", tree["commune_a"]["id"], valid_to="2020-12-31")
        tomorrow = (today_in_vietnam() + timedelta(days=1)).isoformat()
        future = make_place("hamlet", tree["commune_a"]["id"], valid_from=tomorrow)
        before = written(db)
        for place_id in (
            tree["province"]["id"],
            tree["district"]["id"],
            closed["id"],
            future["id"],
            "pl_unknown",
        ):
            response = client.post(URL, json=body_for(place_id), headers=admin)
            assert pointers(problem(response, 422)) == ["/place_id"], place_id
        assert written(db) == before

    def test_code_is_unique_within_its_commune(self, client, admin, make_place, tree, db):
        other_hamlet = make_place("hamlet", tree["commune_a"]["id"])
        created = client.post(URL, json=body_for(tree["hamlet_a"]["id"]), headers=admin)
        assert created.status_code == 201, created.text
        before = written(db)
        for place_id in (other_hamlet["id"], tree["commune_a"]["id"]):
            response = client.post(URL, json=body_for(place_id), headers=admin)
            assert pointers(problem(response, 409)) == ["/code"], place_id
        assert written(db) == before
        elsewhere = client.post(URL, json=body_for(tree["hamlet_b"]["id"]), headers=admin)
        assert elsewhere.status_code == 201, elsewhere.text
        assert elsewhere.json()["commune_id"] == tree["commune_b"]["id"]

    def test_citizen_id_is_unique(self, client, admin, tree, db):
        first = body_for(tree["hamlet_a"]["id"], members=[head()])
        assert client.post(URL, json=first, headers=admin).status_code == 201
        before = written(db)
        second = body_for(tree["hamlet_b"]["id"], code="HH-2", members=[spouse(), head()])
        body = problem(client.post(URL, json=second, headers=admin), 409)
        assert pointers(body) == ["/members/1/citizen_id"]
        assert written(db) == before

    def test_malformed_json_is_400(self, client, admin, db):
        before = written(db)
        headers = {**admin, "content-type": "application/json"}
        problem(client.post(URL, content=b'{"code": ', headers=headers), 400)
        assert written(db) == before

    def test_valid(self, client, admin, tree, db):
        body = body_for(
            tree["hamlet_a"]["id"],
            head_name=unicodedata.normalize("NFD", "Nguyễn  Văn An "),
            ethnicity="khmer",
            address="Ấp Sóc Kha",
            phone="0912 345 678",
            members=[head(), spouse(), head(relation="child", birth_year=2010, citizen_id=None)],
        )
        response = client.post(URL, json=body, headers=admin)
        assert response.status_code == 201, response.text
        household = response.json()
        assert household["head_name"] == "Nguyễn Văn An"
        assert household["code"] == "HH-0001"
        assert household["place_id"] == tree["hamlet_a"]["id"]
        assert household["commune_id"] == tree["commune_a"]["id"]
        assert household["status"] == "unclassified"
        assert household["ethnicity"] == "khmer"
        assert household["ethnic_minority"] is True
        assert household["archived"] is False
        assert household["moves"] == []
        assert [m["citizen_id"] for m in household["members"]] == [
            "********3456",
            "********0001",
            None,
        ]
        assert response.headers["location"] == f"{URL}/{household['id']}"
        assert response.headers["etag"] == f'"{household["id"]}.v1"'
        assert audit_actions(db, household["id"]) == ["create"]
        member_ids = [m["id"] for m in household["members"]]
        assert count(db, AuditEntry, AuditEntry.entity_id.in_(member_ids)) == 3
        assert count(db, Event, Event.entity_id == household["id"]) == 1
        stored = db.exec(select(Member.citizen_id).where(Member.id == member_ids[0])).one()
        assert stored == HEAD_ID

    def test_in_a_commune_directly(self, client, admin, tree):
        response = client.post(URL, json=body_for(tree["commune_b"]["id"]), headers=admin)
        assert response.status_code == 201, response.text
        assert response.json()["commune_id"] == tree["commune_b"]["id"]
        assert response.json()["place_id"] == tree["commune_b"]["id"]


class TestReadHousehold:
    def test_anonymous_gets_401(self, client, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"])
        problem(client.get(f"{URL}/{household['id']}"), 401)

    def test_not_found(self, client, admin):
        problem(client.get(f"{URL}/hh_unknown", headers=admin), 404)

    def test_valid(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        before = written(db)
        response = client.get(f"{URL}/{household['id']}", headers=admin)
        assert response.status_code == 200
        assert response.json() == household
        assert response.headers["etag"] == f'"{household["id"]}.v1"'
        assert response.json()["members"][0]["citizen_id"] == "********3456"
        assert written(db) == before

    def test_if_none_match_gives_304(self, client, admin, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"])
        headers = {**admin, "If-None-Match": f'"{household["id"]}.v1"'}
        response = client.get(f"{URL}/{household['id']}", headers=headers)
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == f'"{household["id"]}.v1"'
        stale = {**admin, "If-None-Match": f'"{household["id"]}.v0"'}
        assert client.get(f"{URL}/{household['id']}", headers=stale).status_code == 200


class TestRevealCitizenIds:
    def url(self, household: dict) -> str:
        return f"{URL}/{household['id']}"

    def reveals(self, db, household: dict) -> list[AuditEntry]:
        stmt = select(AuditEntry).where(
            AuditEntry.entity_id == household["id"], AuditEntry.action == "reveal"
        )
        return list(db.exec(stmt))

    def test_masked_by_default(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head(), spouse()])
        response = client.get(self.url(household), params={"reveal": False}, headers=admin)
        citizen_ids = [m["citizen_id"] for m in response.json()["members"]]
        assert citizen_ids == ["********3456", "********0001"]
        assert self.reveals(db, household) == []

    def test_auditor_may_not_reveal(self, client, tree, make_household, make_user, login, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        headers = login(make_user("auditor"))
        params = {"reveal": True, "purpose": "audit"}
        problem(client.get(self.url(household), params=params, headers=headers), 403)
        assert self.reveals(db, household) == []

    def test_purpose_is_required(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        for params in ({"reveal": True}, {"reveal": True, "purpose": "   "}):
            body = problem(client.get(self.url(household), params=params, headers=admin), 422)
            assert pointers(body) == ["/purpose"]
        assert self.reveals(db, household) == []

    def test_admin_reveals_and_it_is_audited(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head(), spouse()])
        params = {"reveal": True, "purpose": "Xác minh hồ sơ BHYT"}
        response = client.get(self.url(household), params=params, headers=admin)
        assert response.status_code == 200, response.text
        assert [m["citizen_id"] for m in response.json()["members"]] == [HEAD_ID, SPOUSE_ID]
        [entry] = self.reveals(db, household)
        assert entry.purpose == "Xác minh hồ sơ BHYT"
        assert entry.entity == "household"
        assert entry.actor_id is not None
        assert entry.request_id == response.headers["x-request-id"]

    def test_officer_reveals_in_their_commune(
        self, client, tree, make_household, make_user, login, db
    ):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        user = make_user("commune_officer", (tree["commune_a"]["id"],))
        params = {"reveal": True, "purpose": "home visit"}
        response = client.get(self.url(household), params=params, headers=login(user))
        assert response.status_code == 200, response.text
        assert response.json()["members"][0]["citizen_id"] == HEAD_ID
        assert [entry.actor_id for entry in self.reveals(db, household)] == [user.id]


class TestUpdateHousehold:
    def url(self, household: dict) -> str:
        return f"{URL}/{household['id']}"

    def test_anonymous_gets_401(self, client, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"])
        response = client.patch(self.url(household), json={"head_name": "X"})
        problem(response, 401)

    def test_auditor_gets_403(self, client, tree, make_household, make_user, login, db):
        household = make_household(tree["hamlet_a"]["id"])
        headers = if_match(login(make_user("auditor")), household)
        before = written(db)
        response = client.patch(self.url(household), json={"head_name": "X"}, headers=headers)
        problem(response, 403)
        assert written(db) == before

    def test_not_found(self, client, admin):
        response = client.patch(f"{URL}/hh_unknown", json={"head_name": "X"}, headers=admin)
        problem(response, 404)

    def test_needs_if_match(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        before = written(db)
        response = client.patch(self.url(household), json={"head_name": "X"}, headers=admin)
        problem(response, 428)
        assert written(db) == before

    def test_invalid_body_names_the_field(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        before = written(db)
        for change, pointer in [
            ({"head_name": None}, "/head_name"),
            ({"code": None}, "/code"),
            ({"place_id": None}, "/place_id"),
            ({"ethnicity": None}, "/ethnicity"),
            ({"ethnicity": "martian"}, "/ethnicity"),
            ({"head_name": "x" * 201}, "/head_name"),
            ({"phone": "x"}, "/phone"),
            ({"status": "poor"}, "/status"),
            ({"archived_at": None}, "/archived_at"),
            ({"place_id": tree["district"]["id"]}, "/place_id"),
            ({"place_id": "pl_unknown"}, "/place_id"),
        ]:
            response = client.patch(
                self.url(household), json=change, headers=if_match(admin, household)
            )
            assert pointers(problem(response, 422)) == [pointer], change
        assert written(db) == before
        assert client.get(self.url(household), headers=admin).json() == household

    def test_code_conflict_in_the_commune(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        other = make_household(tree["commune_a"]["id"])
        before = written(db)
        change = {"code": other["code"]}
        response = client.patch(
            self.url(household), json=change, headers=if_match(admin, household)
        )
        assert pointers(problem(response, 409)) == ["/code"]
        assert written(db) == before

    def test_edit(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], head_name="Nguyễn Văn An")
        change = {"head_name": "Nguyễn Văn Ân", "meritorious_service": True}
        response = client.patch(
            self.url(household), json=change, headers=if_match(admin, household)
        )
        assert response.status_code == 200, response.text
        assert response.json()["head_name"] == "Nguyễn Văn Ân"
        assert response.json()["meritorious_service"] is True
        assert response.headers["etag"] == f'"{household["id"]}.v2"'
        entry = db.exec(
            select(AuditEntry).where(
                AuditEntry.entity_id == household["id"], AuditEntry.action == "update"
            )
        ).one()
        assert (entry.before["head_name"], entry.after["head_name"]) == (
            "Nguyễn Văn An",
            "Nguyễn Văn Ân",
        )
        assert (entry.before["version"], entry.after["version"]) == (1, 2)
        assert count(db, Event, Event.entity_id == household["id"]) == 2

    def test_unchanged_values_make_no_new_version(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        before = written(db)
        change = {"head_name": household["head_name"], "place_id": household["place_id"]}
        response = client.patch(
            self.url(household), json=change, headers=if_match(admin, household)
        )
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == f'"{household["id"]}.v1"'
        assert written(db) == before

    def test_move_keeps_history(self, client, admin, make_place, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        second_hamlet = make_place("hamlet", tree["commune_a"]["id"])
        change = {"place_id": second_hamlet["id"], "move_reason": "Chuyển nhà"}
        first = client.patch(self.url(household), json=change, headers=if_match(admin, household))
        assert first.status_code == 200, first.text
        assert first.json()["commune_id"] == tree["commune_a"]["id"]
        change = {"place_id": tree["hamlet_b"]["id"]}
        second = client.patch(
            self.url(household), json=change, headers=if_match(admin, household, 2)
        )
        assert second.status_code == 200, second.text
        moved = client.get(self.url(household), headers=admin).json()
        assert moved["place_id"] == tree["hamlet_b"]["id"]
        assert moved["commune_id"] == tree["commune_b"]["id"]
        assert [(m["from_place_id"], m["to_place_id"], m["reason"]) for m in moved["moves"]] == [
            (tree["hamlet_a"]["id"], second_hamlet["id"], "Chuyển nhà"),
            (second_hamlet["id"], tree["hamlet_b"]["id"], None),
        ]
        assert audit_actions(db, household["id"]) == ["create", "update", "update"]
        listed = client.get(URL, params={"place_id": tree["commune_b"]["id"]}, headers=admin)
        assert [h["id"] for h in listed.json()["items"]] == [household["id"]]
        listed = client.get(URL, params={"place_id": tree["commune_a"]["id"]}, headers=admin)
        assert listed.json()["items"] == []

    def test_move_into_a_commune_where_the_code_is_taken(
        self, client, admin, tree, make_household, db
    ):
        household = make_household(tree["hamlet_a"]["id"])
        make_household(tree["hamlet_b"]["id"], code=household["code"])
        before = written(db)
        change = {"place_id": tree["hamlet_b"]["id"]}
        response = client.patch(
            self.url(household), json=change, headers=if_match(admin, household)
        )
        assert pointers(problem(response, 409)) == ["/code"]
        assert written(db) == before
        renamed = {"place_id": tree["hamlet_b"]["id"], "code": "HH-NEW"}
        response = client.patch(
            self.url(household), json=renamed, headers=if_match(admin, household)
        )
        assert response.status_code == 200, response.text
        assert (response.json()["code"], response.json()["commune_id"]) == (
            "HH-NEW",
            tree["commune_b"]["id"],
        )

    def test_archived_household_cannot_be_edited(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        archived = client.delete(self.url(household), headers=if_match(admin, household))
        assert archived.status_code == 204
        before = written(db)
        change = {"head_name": "X"}
        response = client.patch(
            self.url(household), json=change, headers=if_match(admin, household, 2)
        )
        problem(response, 409)
        assert written(db) == before


class TestArchiveHousehold:
    def url(self, household: dict) -> str:
        return f"{URL}/{household['id']}"

    def test_anonymous_gets_401(self, client, tree, make_household):
        household = make_household(tree["hamlet_a"]["id"])
        problem(client.delete(self.url(household)), 401)

    def test_auditor_gets_403(self, client, tree, make_household, make_user, login, db):
        household = make_household(tree["hamlet_a"]["id"])
        headers = if_match(login(make_user("auditor")), household)
        before = written(db)  # after the login, which is audited too
        problem(client.delete(self.url(household), headers=headers), 403)
        assert written(db) == before

    def test_not_found(self, client, admin):
        problem(client.delete(f"{URL}/hh_unknown", headers={**admin, "If-Match": "*"}), 404)

    def test_needs_if_match(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        before = written(db)
        problem(client.delete(self.url(household), headers=admin), 428)
        stale = {**admin, "If-Match": f'"{household["id"]}.v9"'}
        problem(client.delete(self.url(household), headers=stale), 412)
        assert written(db) == before

    def test_archive_keeps_the_record(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"], members=[head()])
        params = {"reason": "Cả hộ chuyển đi tỉnh khác"}
        response = client.delete(
            self.url(household), params=params, headers=if_match(admin, household)
        )
        assert response.status_code == 204
        assert response.content == b""
        read = client.get(self.url(household), headers=admin)
        assert read.status_code == 200
        assert read.json()["archived"] is True
        assert read.json()["archived_reason"] == "Cả hộ chuyển đi tỉnh khác"
        assert read.json()["members"] == household["members"]
        assert read.headers["etag"] == f'"{household["id"]}.v2"'
        assert count(db, Household, Household.id == household["id"]) == 1
        assert count(db, Member, Member.household_id == household["id"]) == 1
        assert client.get(URL, headers=admin).json()["items"] == []
        archived = client.get(URL, params={"archived": True}, headers=admin).json()["items"]
        assert [h["id"] for h in archived] == [household["id"]]
        assert audit_actions(db, household["id"]) == ["create", "archive"]
        again = client.delete(self.url(household), headers=if_match(admin, household, 2))
        assert again.status_code == 204  # already archived: nothing more happens
        assert audit_actions(db, household["id"]) == ["create", "archive"]

    def test_restore(self, client, admin, tree, make_household, db):
        household = make_household(tree["hamlet_a"]["id"])
        client.delete(self.url(household), headers=if_match(admin, household))
        restore = f"{self.url(household)}/restore"
        problem(client.post(restore, headers=admin), 428)
        problem(client.post(restore, headers=if_match(admin, household)), 412)
        response = client.post(restore, headers=if_match(admin, household, 2))
        assert response.status_code == 200, response.text
        assert response.json()["archived"] is False
        assert response.json()["archived_reason"] is None
        assert response.headers["etag"] == f'"{household["id"]}.v3"'
        assert audit_actions(db, household["id"]) == ["create", "archive", "restore"]
        assert [h["id"] for h in client.get(URL, headers=admin).json()["items"]] == [
            household["id"]
        ]
