"""An Idempotency-Key answer commits in the same transaction as the change it reports.

Before issue 8 the change committed first and its stored answer in a second transaction: a
worker killed between the two left the key "running" with the change saved, and the retry
(taking the key over) ran the change again — a duplicate wherever no natural key (such as
an agency's external_ref) catches it, e.g. a visit. Now both commit together or neither."""

from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from api.core import idempotency
from api.models import IdempotencyRecord, Place
from tests.api.test_contract import problem


def places_named(db, code: str) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Place).where(Place.code == code)).one()


def test_if_the_answer_cannot_be_kept_the_change_is_not_kept_either(client, admin, db, monkeypatch):
    real_store = idempotency._store

    def store_then_lose_the_connection(state, record_id, status, headers, body, session):
        def commit():
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

        session.commit = commit
        return real_store(state, record_id, status, headers, body, session)

    monkeypatch.setattr(idempotency, "_store", store_then_lose_the_connection)
    body = {"code": "P-ATOMIC", "name": "Trà Vinh", "level": "province"}
    headers = {**admin, "Idempotency-Key": "one-key"}
    lost = client.post("/api/v1/places", json=body, headers=headers)
    assert problem(lost, 503)["detail"] == "The change could not be saved; send the request again."
    assert places_named(db, "P-ATOMIC") == 0
    assert db.exec(select(IdempotencyRecord)).all() == []  # the key is free for the retry

    monkeypatch.setattr(idempotency, "_store", real_store)
    retried = client.post("/api/v1/places", json=body, headers=headers)
    assert retried.status_code == 201, retried.text
    replayed = client.post("/api/v1/places", json=body, headers=headers)
    assert (replayed.status_code, replayed.headers["Idempotent-Replayed"]) == (201, "true")
    assert replayed.json() == retried.json()
    assert places_named(db, "P-ATOMIC") == 1
    [record] = db.exec(select(IdempotencyRecord)).all()
    assert (record.state, record.response_status) == ("done", 201)
