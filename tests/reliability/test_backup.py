"""`giamngheo backup FILE` and `giamngheo restore FILE` on both backends: a database with a
bit of everything is backed up while the service could be running, restored into a fresh
database, and every table compared row by row."""

import os
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select
from sqlalchemy import inspect as sa_inspect

from api.backup import BackupError, file_kind
from api.cli import main as giamngheo
from api.db import make_engine
from api.demo.commune import load_demo_commune
from api.main import create_app
from api.migrate import upgrade
from tests.agencies.conftest import ALL_SCOPES, LOAN_SCHEMA, support_body
from tests.conftest import BACKENDS, _postgres_database, make_settings

DEMO_PASSWORD = "giamngheo-demo"


def fresh_url(backend: str, tmp_path, label: str):
    """A new, empty database of this backend (PostgreSQL: dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{label}.db'}"
        return
    yield from _postgres_database(f"gn_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}")


def fill(url: str) -> None:
    """The demo commune, then agencies, supports, webhooks, reviews, visits, tokens, a
    failed login and an Idempotency-Key answer, all through the API."""
    settings = make_settings(url, env="development")
    engine = make_engine(url)
    load_demo_commune(engine, settings=settings, seed=7)
    app = create_app(settings, engine=engine, with_web=False)
    with TestClient(app) as http:
        http.post("/api/v1/auth/token", data={"username": "admin", "password": "wrong-one-12"})
        token = http.post(
            "/api/v1/auth/token", data={"username": "admin", "password": DEMO_PASSWORD}
        ).json()["access_token"]
        admin = {"Authorization": f"Bearer {token}"}

        def post(path, body, headers=admin, **kw):
            response = http.post(path, json=body, headers=headers, **kw)
            assert response.status_code in (200, 201, 202), response.text
            return response.json()

        households = http.get("/api/v1/households", headers=admin).json()["items"]
        agency = post(
            "/api/v1/agencies", {"code": "NHCS", "name": "NHCSXH", "kind": "social_policy_bank"}
        )
        key = post(f"/api/v1/agencies/{agency['id']}/keys", {"scopes": ALL_SCOPES})["key"]
        bank = {"Authorization": f"Bearer {key}"}
        policy = post(
            "/api/v1/policies",
            {
                "code": "VAY",
                "name": "Cho vay",
                "category": "credit",
                "unit": "loan",
                "default_funding_source": "policy_credit",
                "attributes_schema": LOAN_SCHEMA,
            },
            bank,
        )
        for i, household in enumerate(households[:5]):
            post(
                "/api/v1/supports",
                support_body(household["id"], policy["id"], f"REF-{i}"),
                {**bank, "Idempotency-Key": f"key-{i}"},
            )
        endpoint = post(
            "/api/v1/webhooks", {"url": "http://127.0.0.1:9/h", "event_types": ["*"]}, bank
        )
        post(f"/api/v1/webhooks/{endpoint['id']}/test", None, bank)
        post(
            f"/api/v1/households/{households[0]['id']}/assessments",
            {"year": 2025, "income_per_capita": 1_200_000, "deprivations": ["HE2", "WS2", "HO1"]},
        )
    engine.dispose()


def rows_of(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, as plain tuples."""
    engine = make_engine(url)
    try:
        names = sorted(sa_inspect(engine).get_table_names())
        metadata = MetaData()
        metadata.reflect(engine, only=names)
        with engine.connect() as conn:
            return {
                name: sorted(
                    (tuple(row) for row in conn.execute(select(metadata.tables[name]))), key=repr
                )
                for name in names
            }
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_then_restore_into_a_fresh_database_gives_every_row_back(
    backend, tmp_path, monkeypatch, capsys
):
    for source in fresh_url(backend, tmp_path, "source"):
        upgrade(source)
        fill(source)
        dump = tmp_path / "giamngheo.backup"
        monkeypatch.setenv("GIAMNGHEO_ENV", "development")
        monkeypatch.setenv("GIAMNGHEO_DATABASE_URL", source)
        from api.settings import get_settings

        get_settings.cache_clear()
        assert giamngheo(["backup", str(dump)]) == 0
        assert file_kind(dump) == backend
        before = rows_of(source)
        for target in fresh_url(backend, tmp_path, "restored"):
            monkeypatch.setenv("GIAMNGHEO_DATABASE_URL", target)
            get_settings.cache_clear()
            assert giamngheo(["restore", str(dump)]) == 0
            after = rows_of(target)
            # A second restore into the now full database is refused.
            assert giamngheo(["restore", str(dump)]) == 1
        get_settings.cache_clear()
        counts = {name: len(rows) for name, rows in before.items()}
        assert after.keys() == before.keys()
        for name in before:
            assert after[name] == before[name], name
        populated = sorted(name for name, n in counts.items() if n)
        with capsys.disabled():  # the figures, with -s
            print(
                f"\n{backend}: {len(counts)} tables, {len(populated)} with rows, "
                f"{sum(counts.values())} rows, all equal after restore: {counts}"
            )
        for needed in (
            "households",
            "members",
            "supports",
            "audit_log",
            "events",
            "idempotency_keys",
            "login_throttle",
            "auth_tokens",
            "webhook_deliveries",
            "assessments",
            "alembic_version",
        ):
            assert counts[needed] > 0, needed
    out = capsys.readouterr()
    assert "restored into" in out.out and "exists" in out.err or "already holds" in out.err


def test_a_backup_of_the_other_backend_is_refused(tmp_path):
    dump = tmp_path / "x.backup"
    dump.write_bytes(b"PGDMP" + b"\0" * 100)
    from api.backup import restore

    with pytest.raises(BackupError, match="is a postgresql backup; the database is sqlite"):
        restore(f"sqlite:///{tmp_path / 'y.db'}", dump)
    dump.write_bytes(b"not a backup at all")
    with pytest.raises(BackupError, match="neither a SQLite database nor a pg_dump"):
        file_kind(dump)
