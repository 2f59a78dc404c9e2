"""Benchmark of agency writes: one bulk request of 10,000 supports, and single POSTs with
Idempotency-Key from 8 concurrent clients, against a real uvicorn server on PostgreSQL.

    .venv/bin/python bench/bench_supports.py [--records 10000] [--clients 8] [--singles 800]

It creates its own database (dropped at the end unless --keep), migrates it, seeds places,
households, an agency with a key and a policy, starts `uvicorn api.main:create_app_from_env`
in a subprocess and prints a table.
"""

import argparse
import csv
import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text
from sqlmodel import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.agencies.schemas import AgencyCreate, KeyCreate  # noqa: E402
from api.agencies.service import create_agency, create_key  # noqa: E402
from api.auth.api_keys import SCOPES  # noqa: E402
from api.auth.principal import SYSTEM  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models import Household, Place  # noqa: E402
from api.models.base import new_id, utcnow  # noqa: E402
from api.policies.schemas import PolicyCreate  # noqa: E402
from api.policies.service import create_policy  # noqa: E402

ADMIN_URL = os.environ.get(
    "GIAMNGHEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def seed(url: str, households: int) -> tuple[str, str, list[str]]:
    """Places, households, an agency, its key and a policy; returns (key, policy code, ids)."""
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        province_id, commune_id = new_id("pl"), new_id("pl")
        now = utcnow()
        for place_id, parent, level, path in (
            (province_id, None, "province", f"/{province_id}/"),
            (commune_id, province_id, "commune", f"/{province_id}/{commune_id}/"),
        ):
            session.add(
                Place(
                    id=place_id,
                    code=place_id[-10:],
                    name=level,
                    name_search=level,
                    level=level,
                    parent_id=parent,
                    path=path,
                    area="rural",
                )
            )
        session.flush()
        rows = [
            {
                "id": new_id("hh"),
                "code": f"HH{i:06d}",
                "commune_id": commune_id,
                "place_id": commune_id,
                "place_path": f"/{province_id}/{commune_id}/",
                "head_name": f"Hộ {i}",
                "ethnicity": "khmer",
                "status": "poor",
                "without_labour_capacity": False,
                "meritorious_service": False,
                "social_protection": False,
                "risk_reasons": [],
                "search_text": f"ho {i}",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for i in range(households)
        ]
        columns = set(Household.__table__.columns.keys())
        session.execute(
            insert(Household.__table__),
            [{k: v for k, v in row.items() if k in columns} for row in rows],
        )
        agency = create_agency(
            session,
            principal=SYSTEM,
            data=AgencyCreate(
                code="NHCSXH-BENCH", name="Ngân hàng Chính sách xã hội", kind="social_policy_bank"
            ),
        )
        _, raw = create_key(
            session,
            principal=SYSTEM,
            agency=agency,
            data=KeyCreate(scopes=list(SCOPES)),
            max_live=2,
        )
        policy = create_policy(
            session,
            principal=SYSTEM,
            data=PolicyCreate(
                agency_id=agency.id,
                code="VAY-HN",
                name="Cho vay hộ nghèo",
                category="credit",
                unit="loan",
                eligible_statuses=["poor"],
                default_funding_source="policy_credit",
                attributes_schema={
                    "type": "object",
                    "properties": {
                        "term_months": {"type": "integer", "minimum": 1},
                        "interest_rate": {"type": "number"},
                    },
                    "required": ["term_months"],
                },
            ),
        )
        session.commit()
        ids = [row["id"] for row in rows]
    engine.dispose()
    return raw, policy.code, ids


def item(household_id: str, policy_code: str, ref: str) -> dict:
    return {
        "household_id": household_id,
        "policy_code": policy_code,
        "delivered_on": "2026-03-15",
        "amount_vnd": 50_000_000,
        "external_ref": ref,
        "attributes": {"term_months": 36, "interest_rate": 6.6},
    }


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "GIAMNGHEO_DATABASE_URL": url,
        "GIAMNGHEO_ENV": "production",
        "GIAMNGHEO_SECRET_KEY": secrets.token_urlsafe(32),
        "GIAMNGHEO_LOG_LEVEL": "WARNING",
        # The per-key rate limit (1,200/min by default) would answer 429 long before the
        # server is busy: this measures the server, not the limit.
        "GIAMNGHEO_API_KEY_RATE_PER_MINUTE": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:create_app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=REPO,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not become ready")


def bulk(base: str, headers: dict, body, content_type: str) -> tuple[float, dict]:
    started = time.perf_counter()
    data = body if isinstance(body, bytes) else None
    response = httpx.post(
        f"{base}/api/v1/supports/bulk",
        headers={**headers, "Content-Type": content_type},
        content=data,
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"bulk failed: {response.status_code} {response.text[:500]}")
    return elapsed, response.json()["stats"]


def singles(base: str, headers: dict, items: list[dict], clients: int):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def run(part: list[dict]) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            barrier.wait()
            for body in part:
                started = time.perf_counter()
                response = http.post(
                    "/api/v1/supports",
                    json=body,
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                )
                with lock:
                    latencies.append(time.perf_counter() - started)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    threads = [threading.Thread(target=run, args=(items[i::clients],)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--households", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--singles", type=int, default=800, help="single POSTs in all")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    name = f"gn_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    server = None
    try:
        upgrade(url)
        key, policy_code, households = seed(url, args.households)
        headers = {"Authorization": f"Bearer {key}"}
        server = start_server(url, args.port, args.workers)
        base = f"http://127.0.0.1:{args.port}"

        rows = []
        items = [
            item(households[i % len(households)], policy_code, f"B-{i}")
            for i in range(args.records)
        ]
        body = json.dumps(items).encode()
        seconds, stats = bulk(base, headers, body, "application/json")
        rows.append(("bulk JSON, new records", args.records, seconds, stats))
        seconds, stats = bulk(base, headers, body, "application/json")
        rows.append(("bulk JSON, same again (ignored)", args.records, seconds, stats))
        for record in items:
            record["amount_vnd"] += 1
        seconds, stats = bulk(base, headers, json.dumps(items).encode(), "application/json")
        rows.append(("bulk JSON, all changed (updates)", args.records, seconds, stats))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "household_id",
                "policy_code",
                "delivered_on",
                "amount_vnd",
                "external_ref",
                "attr.term_months",
            ]
        )
        for i in range(args.records):
            writer.writerow(
                [
                    households[i % len(households)],
                    policy_code,
                    "15/03/2026",
                    "50.000.000",
                    f"C-{i}",
                    36,
                ]
            )
        seconds, stats = bulk(base, headers, ("\ufeff" + out.getvalue()).encode(), "text/csv")
        rows.append(("bulk CSV (BOM, dd/mm/yyyy), new", args.records, seconds, stats))

        single_items = [
            item(households[i % len(households)], policy_code, f"S-{i}")
            for i in range(args.singles)
        ]
        elapsed, latencies, statuses = singles(base, headers, single_items, args.clients)

        print(f"\nPostgreSQL, 1 server ({args.workers} uvicorn worker(s)), {os.cpu_count()} CPUs")
        print(f"{'bulk request':36} {'records':>8} {'seconds':>8} {'records/s':>10}  stats")
        for label, count, seconds, stats in rows:
            print(f"{label:36} {count:8d} {seconds:8.2f} {count / seconds:10.0f}  {stats}")
        quantiles = statistics.quantiles(latencies, n=100)
        print(
            f"\n{'single POSTs + Idempotency-Key':36} {'requests':>8} {'seconds':>8} "
            f"{'req/s':>10}  p50 / p95 ms, statuses"
        )
        print(
            f"{f'{args.clients} concurrent clients':36} {len(latencies):8d} {elapsed:8.2f} "
            f"{len(latencies) / elapsed:10.0f}  {quantiles[49] * 1000:.0f} / "
            f"{quantiles[94] * 1000:.0f}, {statuses}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
