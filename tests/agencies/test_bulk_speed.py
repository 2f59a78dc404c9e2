"""What makes POST /supports/bulk fast must not change what it does: the garbage collector's
pause, and COPY with its own plan cache mode (issue 9)."""

import gc
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import func, select

import api.supports.bulk
from api.core.bulkinsert import COPY_FROM, insert_rows
from api.core.gcpause import gc_paused
from api.models import AuditEntry, Event, Support
from api.models.base import utcnow
from tests.agencies.conftest import support_body

URL = "/api/v1/supports/bulk"


class TestGcPaused:
    def test_off_inside_and_back_on_after(self):
        assert gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_back_on_after_an_error(self):
        with pytest.raises(ValueError), gc_paused():
            raise ValueError
        assert gc.isenabled()

    def test_back_on_when_the_last_holder_leaves(self):
        entered, release = threading.Event(), threading.Event()

        def other_request():
            with gc_paused():
                entered.set()
                release.wait(5)

        thread = threading.Thread(target=other_request)
        thread.start()
        entered.wait(5)
        with gc_paused():
            pass
        assert not gc.isenabled()  # the other request still runs
        release.set()
        thread.join(5)
        assert gc.isenabled()

    def test_stays_off_when_it_was_off(self):
        gc.disable()
        try:
            with gc_paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_the_bulk_request_runs_with_it_paused(
        self, client, bank, households, loan_policy, monkeypatch
    ):
        seen = []
        run_bulk = api.supports.bulk.run_bulk

        def spy(*args, **kwargs):
            seen.append(gc.isenabled())
            return run_bulk(*args, **kwargs)

        monkeypatch.setattr(api.supports.bulk, "run_bulk", spy)
        items = [support_body(households[0]["id"], loan_policy["id"], "GC-0")]
        response = client.post(URL, json=items, headers=bank["headers"])
        assert response.status_code == 200, response.text
        assert seen == [False]
        assert gc.isenabled()


def plan_cache_mode(db) -> str:
    return db.exec(text("SHOW plan_cache_mode")).one()[0]


class TestCopy:
    """PostgreSQL: COPY (from COPY_FROM rows) under plan_cache_mode=auto, then as before."""

    @pytest.fixture(autouse=True)
    def _postgres_only(self, backend):
        if backend != "postgresql":
            pytest.skip("COPY is PostgreSQL's")

    def test_a_large_batch_keeps_every_guarantee(self, client, db, bank, households, loan_policy):
        assert plan_cache_mode(db) == "force_custom_plan"  # the service's setting (api/db.py)
        count = COPY_FROM + 10
        hh = [h["id"] for h in households]
        items = [support_body(hh[i % len(hh)], loan_policy["id"], f"CP-{i}") for i in range(count)]
        response = client.post(URL, json=items, headers=bank["headers"])
        assert response.status_code == 200, response.text
        assert response.json()["stats"]["created"] == count
        ids = [r["id"] for r in response.json()["results"]]
        agency_id = bank["agency"]["id"]
        stmt = select(func.count()).select_from(Support).where(Support.agency_id == agency_id)
        assert db.exec(stmt.execution_options(unscoped=True)).one() == count
        first = db.get(Support, ids[0])
        assert first.delivered_on.isoformat() == items[0]["delivered_on"]
        audits = select(func.count()).where(AuditEntry.entity_id.in_(ids))
        assert db.exec(audits.execution_options(unscoped=True)).one() == count
        events = select(func.count()).where(Event.entity_id.in_(ids))
        assert db.exec(events.execution_options(unscoped=True)).one() == count
        again = client.post(URL, json=items, headers=bank["headers"])
        assert again.json()["stats"]["ignored"] == count

    def test_dates_and_times_arrive_as_sent(self, db):
        """COPY receives them as ISO 8601 text: the same instants and days come back."""
        hanoi = timezone(timedelta(hours=7))
        moments = [
            datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=hanoi),
            datetime(2026, 1, 2, tzinfo=UTC),
        ]
        rows = [{**_audit_row(i), "occurred_at": moments[i % 2]} for i in range(COPY_FROM)]
        ids = insert_rows(
            db,
            AuditEntry.__table__,
            [{"id": 10**15 + i, **r} for i, r in enumerate(rows)],
            returning="id",
        )
        stmt = (
            select(AuditEntry.occurred_at).where(AuditEntry.id.in_(ids[:2])).order_by(AuditEntry.id)
        )
        assert db.exec(stmt.execution_options(unscoped=True)).all() == moments

    def test_the_session_keeps_its_plan_cache_mode(self, db):
        rows = [_audit_row(i) for i in range(COPY_FROM)]
        insert_rows(db, AuditEntry.__table__, rows)
        assert plan_cache_mode(db) == "force_custom_plan"

    def test_and_after_a_clash_undone_by_its_savepoint(self, db):
        # Ids far above the sequence's: the first row is saved before, so the COPY clashes.
        rows = [{"id": 10**15 + i, **_audit_row(i)} for i in range(COPY_FROM)]
        insert_rows(db, AuditEntry.__table__, rows[:1])
        saved = insert_rows(
            db, AuditEntry.__table__, rows, skip_conflicts_on=["id"], returning="id"
        )
        assert len(saved) == COPY_FROM - 1  # the clash fell back to INSERT … ON CONFLICT
        assert plan_cache_mode(db) == "force_custom_plan"


def _audit_row(i: int) -> dict:
    return {
        "occurred_at": utcnow(),
        "actor_kind": "system",
        "actor_id": "system",
        "action": "create",
        "entity": "test",
        "entity_id": f"x_{i}",
        "before": None,
        "after": {"n": i},
        "place_path": None,
        "purpose": None,
        "request_id": None,
    }
