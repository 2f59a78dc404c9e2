"""The cross-cutting contract: problem+json errors, ETag/If-Match, keyset pagination and
Idempotency-Key."""

import base64
import json
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlmodel import func, select
from starlette.datastructures import Headers

from api.core.idempotency import _fingerprint
from api.main import create_app
from api.models import AuditEntry, Event, Household, IdempotencyRecord, Member, Place
from api.models.base import new_id, utcnow
from tests.conftest import make_settings

PROBLEM = "application/problem+json"
HOUSEHOLDS = "/api/v1/households"


# problem(), pointers(), count() and the app fixture are shared: the other test modules of
# tests/api import them from here.


def problem(response, status: int) -> dict:
    """The RFC 9457 body of an error answer, after checking its status and media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://giamngheo.example/problems/")
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def pointers(body: dict) -> list[str]:
    """The JSON Pointers a validation problem names, in its order."""
    return [error["pointer"] for error in body["errors"]]


def count(db, model, *where) -> int:
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


_APPS: dict[str, FastAPI] = {}


@pytest.fixture
def app(settings, engine, session_factory):
    """One app per settings for the run, each test plugging in its own rolled-back sessions:
    building the API and web app is otherwise most of a test's time."""
    key = settings.model_dump_json()
    if key not in _APPS:
        _APPS[key] = create_app(settings, engine=engine, session_factory=session_factory)
    _APPS[key].state.session_factory = session_factory
    return _APPS[key]


def written(db) -> tuple[int, ...]:
    models = (Place, Household, Member, AuditEntry, Event)
    return tuple(count(db, model) for model in models)


def household_body(place_id: str, code: str = "HH-1", **extra) -> dict:
    return {
        "code": code,
        "place_id": place_id,
        "head_name": "Nguyễn Văn An",
        "ethnicity": "kinh",
        **extra,
    }


def token(values: object) -> str:
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class TestProblemDetails:
    def test_unknown_route_and_method(self, client, admin):
        assert problem(client.get("/api/v1/nowhere", headers=admin), 404)["title"] == "Not Found"
        problem(client.put(HOUSEHOLDS, json={}, headers=admin), 405)

    def test_malformed_json_is_400(self, client, admin, tree, db):
        before = written(db)
        headers = {**admin, "content-type": "application/json"}
        for raw in (b'{"code": "HH-1",', b"{'code': 'HH-1'}", b'{"code": "\xff"}', b"\x00"):
            problem(client.post(HOUSEHOLDS, content=raw, headers=headers), 400)
        assert written(db) == before

    def test_validation_errors_point_at_fields(self, client, admin, tree, db):
        before = written(db)
        body = household_body(tree["hamlet_a"]["id"], head_name="", members=[{"gender": "x"}])
        answer = problem(client.post(HOUSEHOLDS, json=body, headers=admin), 422)
        assert answer["type"] == "https://giamngheo.example/problems/validation-error"
        assert sorted(pointers(answer)) == [
            "/head_name",
            "/members/0/birth_year",
            "/members/0/full_name",
            "/members/0/gender",
            "/members/0/relation",
        ]
        assert all(set(error) == {"pointer", "detail", "code"} for error in answer["errors"])
        assert written(db) == before

    def test_not_an_object_points_at_the_whole_document(self, client, admin, db):
        before = written(db)
        for body in ([], "household", 42, None):
            answer = problem(client.post(HOUSEHOLDS, json=body, headers=admin), 422)
            assert pointers(answer) == ["/"], body  # the API's convention for the whole body
        assert written(db) == before

    def test_query_errors_say_where(self, client, admin):
        answer = problem(client.get(HOUSEHOLDS, params={"page_size": "many"}, headers=admin), 422)
        [error] = answer["errors"]
        assert (error["pointer"], error["in"]) == ("/page_size", "query")
        assert (
            error["detail"]
            == "Input should be a valid integer, unable to parse string as an integer"
        )

    def test_unknown_fields_are_rejected(self, client, admin, tree, db):
        before = written(db)
        body = household_body(tree["hamlet_a"]["id"], id="hh_mine", version=7)
        answer = problem(client.post(HOUSEHOLDS, json=body, headers=admin), 422)
        assert sorted(pointers(answer)) == ["/id", "/version"]
        assert written(db) == before

    def test_over_long_strings_are_422(self, client, admin, tree, db):
        before = written(db)
        for field in ("code", "head_name", "address", "notes", "place_id", "ethnicity"):
            body = {**household_body(tree["hamlet_a"]["id"]), field: "x" * 100_000}
            answer = problem(client.post(HOUSEHOLDS, json=body, headers=admin), 422)
            assert pointers(answer) == [f"/{field}"], field
        long_query = client.get(HOUSEHOLDS, params={"q": "x" * 201}, headers=admin)
        assert pointers(problem(long_query, 422)) == ["/q"]
        assert written(db) == before

    def test_odd_values_are_never_a_500(self, client, admin, tree, db):
        before = written(db)
        place_id = tree["hamlet_a"]["id"]
        member = {"full_name": "A", "gender": "male", "relation": "head"}
        headers = {**admin, "content-type": "application/json"}
        for raw in (
            json.dumps(household_body(place_id, members=[{**member, "birth_year": 10**30}])),
            json.dumps(household_body(place_id, members=[{**member, "birth_year": 1980.5}])),
            json.dumps(household_body(place_id, members=[{**member, "birth_year": True}])),
            json.dumps(household_body(place_id, members=[member] * 41)),
            json.dumps(household_body(place_id, phone=12345678)),
            json.dumps(household_body(place_id, code=["HH"])),
            json.dumps(household_body(place_id, members=[{**member, "birth_year": float("nan")}])),
        ):
            problem(client.post(HOUSEHOLDS, content=raw, headers=headers), 422)
        deep = '{"code": ' * 100_000 + "1" + "}" * 100_000  # too deep to parse
        problem(client.post(HOUSEHOLDS, content=deep, headers=headers), 400)
        for params in ({"page_size": -1}, {"page_size": 10**30}, {"archived": "perhaps"}):
            problem(client.get(HOUSEHOLDS, params=params, headers=admin), 422)
        problem(client.get(f"{HOUSEHOLDS}/{'x' * 5000}", headers=admin), 404)
        problem(client.get(f"{HOUSEHOLDS}/x%2Fy%25z", headers=admin), 404)
        assert written(db) == before

    def test_nul_character_is_never_a_500(self, client, admin, tree, backend, db):
        # PostgreSQL cannot store NUL in text; SQLite can. Either way: no 500, no half write.
        # A NUL in a free-text field is refused by the schema on both (422 naming the field).
        before = written(db)
        body = household_body(tree["hamlet_a"]["id"], head_name="Nguyễn\x00Văn")
        created = client.post(HOUSEHOLDS, json=body, headers=admin)
        searched = client.get(HOUSEHOLDS, params={"q": "a\x00b"}, headers=admin)
        read = client.get(f"{HOUSEHOLDS}/hh%00x", headers=admin)
        assert pointers(problem(created, 422)) == ["/head_name"]
        assert written(db) == before
        if backend == "postgresql":
            for response in (searched, read):
                problem(response, 400)
        else:
            assert searched.status_code == 200
            problem(read, 404)

    def test_every_error_status_is_problem_json(self, client, admin, make_user, login, tree):
        auditor = login(make_user("auditor"))
        place = f"/api/v1/places/{tree['town']['id']}"
        responses = {
            400: client.get(HOUSEHOLDS, params={"page_token": "***"}, headers=admin),
            401: client.get(HOUSEHOLDS),
            403: client.post(HOUSEHOLDS, json={}, headers=auditor),
            404: client.get(f"{HOUSEHOLDS}/hh_nope", headers=admin),
            405: client.delete(HOUSEHOLDS, headers=admin),
            409: client.post(
                "/api/v1/places",
                json={"code": tree["town"]["code"], "name": "X", "level": "province"},
                headers=admin,
            ),
            412: client.patch(place, json={"name": "X"}, headers={**admin, "If-Match": '"x"'}),
            422: client.post(HOUSEHOLDS, json={}, headers=admin),
            428: client.patch(place, json={"name": "X"}, headers=admin),
        }
        for status, response in responses.items():
            problem(response, status)


class TestBodyLimit:
    @pytest.fixture
    def settings(self, database_url):
        return make_settings(database_url, max_body_bytes=2048)

    def test_too_large_is_413(self, client, admin, tree, db):
        before = written(db)
        body = household_body(tree["hamlet_a"]["id"], notes="x" * 3000)
        problem(client.post(HOUSEHOLDS, json=body, headers=admin), 413)
        assert written(db) == before

    def test_too_large_without_length_is_413(self, client, admin, tree, db):
        before = written(db)
        raw = json.dumps(household_body(tree["hamlet_a"]["id"], notes="x" * 3000)).encode()
        chunks = [raw[i : i + 500] for i in range(0, len(raw), 500)]
        for extra in ({}, {"Idempotency-Key": "big-1"}):
            headers = {**admin, **extra, "content-type": "application/json"}
            response = client.post(HOUSEHOLDS, content=iter(chunks), headers=headers)
            problem(response, 413)
        assert written(db) == before
        assert count(db, IdempotencyRecord) == 0


class TestETags:
    def test_reads_carry_a_strong_etag(self, client, admin, tree, make_household, make_user):
        household = make_household(tree["hamlet_a"]["id"])
        user = make_user("auditor")
        for url, record_id in (
            (f"{HOUSEHOLDS}/{household['id']}", household["id"]),
            (f"/api/v1/places/{tree['town']['id']}", tree["town"]["id"]),
            (f"/api/v1/users/{user.id}", user.id),
        ):
            response = client.get(url, headers=admin)
            assert response.headers["etag"] == f'"{record_id}.v1"', url

    def test_if_match_forms(self, client, admin, tree, db):
        url = f"/api/v1/places/{tree['town']['id']}"
        current = f'"{tree["town"]["id"]}.v1"'
        before = written(db)
        for header in (f"W/{current}", current.strip('"'), '"other", "tags"'):
            response = client.patch(url, json={"name": "X"}, headers={**admin, "If-Match": header})
            assert problem(response, 412)["current_etag"] == current, header
        assert written(db) == before
        several = {**admin, "If-Match": f'"other", {current}'}
        response = client.patch(url, json={"name": "Cầu Kè mới"}, headers=several)
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == f'"{tree["town"]["id"]}.v2"'

    def test_two_officers_edit_one_household(
        self, client, tree, make_household, make_user, login, db
    ):
        household = make_household(tree["hamlet_a"]["id"], address="Ấp Sóc Kha")
        url = f"{HOUSEHOLDS}/{household['id']}"
        first = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        second = login(make_user("commune_officer", (tree["commune_a"]["id"],)))
        seen_first = client.get(url, headers=first).headers["etag"]
        seen_second = client.get(url, headers=second).headers["etag"]
        assert seen_first == seen_second
        change = {"address": "Số 1, ấp Sóc Kha"}
        won = client.patch(url, json=change, headers={**first, "If-Match": seen_first})
        assert won.status_code == 200, won.text
        before = written(db)
        lost = client.patch(
            url, json={"address": "Số 2, ấp Sóc Kha"}, headers={**second, "If-Match": seen_second}
        )
        assert problem(lost, 412)["current_etag"] == won.headers["etag"]
        assert written(db) == before
        assert client.get(url, headers=second).json()["address"] == "Số 1, ấp Sóc Kha"
        updates = select(AuditEntry).where(
            AuditEntry.entity_id == household["id"], AuditEntry.action == "update"
        )
        assert [entry.after["address"] for entry in db.exec(updates)] == ["Số 1, ấp Sóc Kha"]


class TestPagination:
    @pytest.fixture
    def households(self, db, tree):
        """n households straight in the database (fast), in the first commune's hamlet."""
        hamlet = db.exec(select(Place).where(Place.id == tree["hamlet_a"]["id"])).one()

        def make(n: int) -> list[str]:
            rows = [
                Household(
                    id=new_id("hh"),
                    code=f"HH-{i:04d}",
                    commune_id=tree["commune_a"]["id"],
                    place_id=hamlet.id,
                    place_path=hamlet.path,
                    head_name=f"Hộ {i}",
                    ethnicity="kinh",
                    search_text=f"hh-{i:04d} ho {i}",
                )
                for i in range(n)
            ]
            db.add_all(rows)
            db.commit()
            return sorted(row.id for row in rows)

        return make

    def test_default_page_size_is_50(self, client, admin, households):
        ids = households(51)
        first = client.get(HOUSEHOLDS, headers=admin)
        assert first.status_code == 200
        assert [h["id"] for h in first.json()["items"]] == ids[:50]
        page_token = first.json()["next_page_token"]
        assert first.headers["link"] == (
            f'<http://testserver{HOUSEHOLDS}?page_token={page_token}>; rel="next"'
        )
        second = client.get(HOUSEHOLDS, params={"page_token": page_token}, headers=admin)
        assert [h["id"] for h in second.json()["items"]] == ids[50:]
        assert second.json()["next_page_token"] is None
        assert "link" not in second.headers

    def test_page_size_bounds(self, client, admin, households):
        ids = households(51)
        everything = client.get(HOUSEHOLDS, params={"page_size": 500}, headers=admin)
        assert [h["id"] for h in everything.json()["items"]] == ids
        assert everything.json()["next_page_token"] is None
        for size in (0, 501):
            answer = problem(client.get(HOUSEHOLDS, params={"page_size": size}, headers=admin), 422)
            assert pointers(answer) == ["/page_size"]

    def test_walk_the_pages(self, client, admin, tree, households):
        ids = households(5)
        seen, params, links = [], {"page_size": 2, "place_id": tree["commune_a"]["id"]}, 0
        while True:
            response = client.get(HOUSEHOLDS, params=params, headers=admin)
            assert response.status_code == 200
            page = response.json()
            seen += [h["id"] for h in page["items"]]
            if page["next_page_token"] is None:
                assert "link" not in response.headers
                break
            links += 1
            next_url = response.headers["link"].split(">")[0].lstrip("<")
            assert next_url == (
                f"http://testserver{HOUSEHOLDS}?page_size=2&place_id={tree['commune_a']['id']}"
                f"&page_token={page['next_page_token']}"
            )
            params = {**params, "page_token": page["next_page_token"]}
        assert seen == ids
        assert links == 2

    def test_total_only_on_request(self, client, admin, households):
        households(3)
        plain = client.get(HOUSEHOLDS, params={"page_size": 1}, headers=admin).json()
        assert "total" not in plain
        counted = client.get(HOUSEHOLDS, params={"page_size": 1, "total": True}, headers=admin)
        assert counted.json()["total"] == 3
        assert len(counted.json()["items"]) == 1

    def test_bad_page_tokens_are_400(self, client, admin, households):
        households(2)
        for page_token in (
            "***",
            "bm90IGpzb24",  # "not json"
            token({"id": "hh_1"}),
            token([]),
            token(["hh_1", "hh_2"]),
            token([5]),
            token([None]),
            token([{"a": 1}]),
            token([["hh_1"]]),
            token([True]),
        ):
            response = client.get(HOUSEHOLDS, params={"page_token": page_token}, headers=admin)
            problem(response, 400)
        for url in ("/api/v1/audit", "/api/v1/places", "/api/v1/users"):
            for page_token in (token([1.5]), token([True]), token([None])):
                response = client.get(url, params={"page_token": page_token}, headers=admin)
                problem(response, 400)
        for page_token in (token(["hh_1"]), token([2**63]), token([-(2**64)])):
            response = client.get("/api/v1/audit", params={"page_token": page_token}, headers=admin)
            problem(response, 400)


class TestIdempotency:
    URL = HOUSEHOLDS

    def post(self, client, headers, body, key: str):
        return client.post(self.URL, json=body, headers={**headers, "Idempotency-Key": key})

    def test_same_key_and_body_replays(self, client, admin, tree, db):
        body = household_body(tree["hamlet_a"]["id"])
        first = self.post(client, admin, body, "key-1")
        assert first.status_code == 201, first.text
        before = written(db)
        again = self.post(client, admin, body, "key-1")
        assert again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["location"] == first.headers["location"]
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert written(db) == before
        assert count(db, Household) == 1
        record = db.exec(select(IdempotencyRecord)).one()
        assert (record.state, record.response_status) == ("done", 201)
        kept = record.expires_at - record.created_at
        assert round(kept.total_seconds() / 3600) == 24

    def test_same_key_other_body_is_422(self, client, admin, tree, db):
        first = self.post(client, admin, household_body(tree["hamlet_a"]["id"]), "key-2")
        assert first.status_code == 201, first.text
        before = written(db)
        other = household_body(tree["hamlet_a"]["id"], code="HH-2")
        problem(self.post(client, admin, other, "key-2"), 422)
        assert written(db) == before

    def test_same_key_other_endpoint_is_422(self, client, admin, tree, db):
        first = self.post(client, admin, household_body(tree["hamlet_a"]["id"]), "key-3")
        assert first.status_code == 201, first.text
        before = written(db)
        place = {"code": "P-1", "name": "X", "level": "province"}
        response = client.post(
            "/api/v1/places", json=place, headers={**admin, "Idempotency-Key": "key-3"}
        )
        problem(response, 422)
        assert written(db) == before

    def running_record(self, db, user, body: bytes, key: str, locked_at) -> IdempotencyRecord:
        scope = {"method": "POST", "path": self.URL, "query_string": b""}
        fingerprint = _fingerprint(scope, Headers({"content-type": "application/json"}), body)
        record = IdempotencyRecord(
            caller=f"user:{user.id}",
            key=key,
            request_hash=fingerprint,
            state="running",
            locked_at=locked_at,
            expires_at=utcnow() + timedelta(hours=24),
        )
        db.add(record)
        db.commit()
        return record

    def test_key_still_running_is_409(self, client, make_user, login, tree, db):
        user = make_user("admin")
        headers = {**login(user), "content-type": "application/json", "Idempotency-Key": "key-4"}
        raw = json.dumps(household_body(tree["hamlet_a"]["id"])).encode()
        self.running_record(db, user, raw, "key-4", utcnow())
        before = written(db)
        response = client.post(self.URL, content=raw, headers=headers)
        problem(response, 409)
        assert response.headers["retry-after"] == "1"
        assert written(db) == before
        assert count(db, IdempotencyRecord, IdempotencyRecord.state == "running") == 1

    def test_abandoned_run_is_taken_over(self, client, make_user, login, tree, db, settings):
        user = make_user("admin")
        headers = {**login(user), "content-type": "application/json", "Idempotency-Key": "key-5"}
        raw = json.dumps(household_body(tree["hamlet_a"]["id"])).encode()
        long_ago = utcnow() - timedelta(seconds=settings.idempotency_lock_seconds + 1)
        self.running_record(db, user, raw, "key-5", long_ago)
        response = client.post(self.URL, content=raw, headers=headers)
        assert response.status_code == 201, response.text
        replay = client.post(self.URL, content=raw, headers=headers)
        assert (replay.status_code, replay.json()["id"]) == (201, response.json()["id"])

    def test_keys_belong_to_the_caller(self, client, make_user, login, tree, db):
        body = household_body(tree["hamlet_a"]["id"])
        first = self.post(client, login(make_user("admin")), body, "shared-key")
        other_body = household_body(tree["hamlet_a"]["id"], code="HH-2")
        second = self.post(client, login(make_user("admin")), other_body, "shared-key")
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["id"] != second.json()["id"]
        assert "idempotent-replayed" not in second.headers
        assert count(db, Household) == 2

    def test_one_user_with_two_tokens_is_one_caller(self, client, make_user, login, tree, db):
        user = make_user("admin")
        body = household_body(tree["hamlet_a"]["id"])
        first = self.post(client, login(user), body, "key-6")
        again = self.post(client, login(user), body, "key-6")
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == first.json()["id"]
        assert count(db, Household) == 1

    def test_errors_are_replayed_too(self, client, admin, tree, db):
        body = household_body("pl_unknown")
        first = self.post(client, admin, body, "key-7")
        again = self.post(client, admin, body, "key-7")
        assert first.status_code == again.status_code == 422
        assert again.json() == first.json()
        assert again.headers["content-type"] == PROBLEM
        assert again.headers["idempotent-replayed"] == "true"

    def test_invalid_keys(self, client, admin, tree, db):
        body = household_body(tree["hamlet_a"]["id"])
        before = written(db)
        for key in ("", "   ", "k" * 256):
            problem(self.post(client, admin, body, key), 400)
        assert written(db) == before
        assert count(db, IdempotencyRecord) == 0

    def test_anonymous_is_401_and_nothing_kept(self, client, tree, db):
        body = household_body(tree["hamlet_a"]["id"])
        problem(self.post(client, {}, body, "key-8"), 401)
        problem(self.post(client, {"Authorization": "Bearer gnt_fake"}, body, "key-8"), 401)
        assert count(db, IdempotencyRecord) == 0
