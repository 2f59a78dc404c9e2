"""Where one bulk request of 10,000 supports spends its time, in-process on PostgreSQL.

    .venv/bin/python bench/profile_bulk.py [--records 10000] [--cprofile 25]

Seeds its own database as bench_supports.py does, then sends the app (TestClient, the whole
middleware stack) three requests: new records, the same again (ignored), all changed
(updates). For each it prints the wall and CPU time of every phase (parse, validate,
lookups, checks, inserts, audit, events, answer, serialization, commit); with --cprofile N,
the N costliest functions of the endpoint (parse to answer; not serialization or commit).
A loaded machine stretches wall time; CPU time is this process's own work.
"""

import argparse
import cProfile
import functools
import gc
import inspect
import io
import json
import pstats
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import fastapi.routing  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

import api.audit.service  # noqa: E402
import api.db  # noqa: E402
import api.events.service  # noqa: E402
import api.supports.bulk  # noqa: E402
import api.supports.writes  # noqa: E402
from api.main import create_app  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models.base import new_id  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench.bench_supports import ADMIN_URL, item, seed  # noqa: E402

TIMES: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
ORDER: list[str] = []
PROFILE: dict[str, cProfile.Profile | None] = {"current": None}


def timed(module, name: str, label: str) -> None:
    """Wrap module.name so its wall and CPU time (of the calling thread) add up under label."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[label][0] += time.perf_counter() - wall
            TIMES[label][1] += time.thread_time() - cpu

    async def async_wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return await original(*args, **kwargs)
        finally:
            TIMES[label][0] += time.perf_counter() - wall
            TIMES[label][1] += time.thread_time() - cpu

    if label not in ORDER:
        ORDER.append(label)
    chosen = async_wrapper if inspect.iscoroutinefunction(original) else wrapper
    setattr(module, name, functools.wraps(original)(chosen))


def _gc_timer(phase: str, info: dict) -> None:
    """Time spent in the cyclic garbage collector (it runs inside whatever allocates)."""
    if phase == "start":
        GC["wall"], GC["cpu"] = time.perf_counter(), time.thread_time()
    else:
        label = f"(garbage collector, gen {info['generation']})"
        if label not in ORDER:
            ORDER.append(label)
        TIMES[label][0] += time.perf_counter() - GC["wall"]
        TIMES[label][1] += time.thread_time() - GC["cpu"]


GC: dict[str, float] = {}


def profiled(module, name: str) -> None:
    """cProfile the call when a profile is wanted (the endpoint runs in a worker thread)."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        profile = PROFILE["current"]
        if profile is None:
            return original(*args, **kwargs)
        profile.enable()
        try:
            return original(*args, **kwargs)
        finally:
            profile.disable()

    setattr(module, name, functools.wraps(original)(wrapper))


def instrument() -> None:
    bulk, writes = api.supports.bulk, api.supports.writes
    profiled(bulk, "read_items")
    profiled(bulk, "run_bulk")
    timed(bulk, "read_items", "parse (JSON/CSV)")
    timed(bulk, "_parse_all", "validate (pydantic)")
    timed(bulk, "load_refs", "lookups")
    timed(bulk, "prepare", "checks (prepare, per item)")
    timed(writes, "_insert_rows", "insert supports")
    timed(writes, "_take_over_conflicts", "conflicts")
    timed(writes, "_lock", "lock updated rows")
    timed(writes, "update_rows", "update supports")
    timed(writes, "record_audits", "audit rows")
    timed(writes, "append_events", "events")
    timed(writes, "_meet_needs", "needs")
    timed(bulk, "write_plans", "  (write_plans, all)")
    timed(bulk, "_answer", "answer")
    timed(bulk, "run_bulk", "  (run_bulk, all)")
    timed(fastapi.routing, "serialize_response", "serialize response")
    timed(api.db, "_finish", "commit")
    gc.callbacks.append(_gc_timer)


def copy_rate(url: str, households: list[str], records: int) -> float:
    """Rows per second a raw COPY writes the same support rows (as run_benchmark.py), undone."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        agency_id, policy_id = conn.execute("SELECT agency_id, id FROM policies").fetchone()
        now = datetime.now(UTC)
        run = uuid.uuid4().hex[:6]
        rows = [
            (new_id("sp"), agency_id, policy_id, households[i % len(households)], "credit")
            + (date(2026, 3, 15), 50_000_000, None, "policy_credit", "delivered", f"C-{run}-{i}")
            + ('{"term_months": 36, "interest_rate": 6.6}', "agency", agency_id, now, now, 1)
            for i in range(records)
        ]
        started = time.perf_counter()
        with conn.cursor().copy(
            "COPY supports (id, agency_id, policy_id, household_id, category, delivered_on, "
            "amount_vnd, quantity, funding_source, status, external_ref, attributes, "
            "recorded_by_kind, recorded_by_id, created_at, updated_at, version) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DELETE FROM supports WHERE external_ref LIKE %s", (f"C-{run}-%",))
        conn.commit()
    return records / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--households", type=int, default=5_000)
    parser.add_argument("--cprofile", type=int, default=0, help="print the N top functions")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the least CPU is shown")
    args = parser.parse_args()

    name = f"gn_prof_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        key, policy_code, households = seed(url, args.households)
        settings = Settings(
            database_url=url,
            env="development",
            log_level="WARNING",
            api_key_rate_per_minute=0,
            webhook_worker_enabled=False,
        )
        app = create_app(settings, with_web=False)
        instrument()
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        best: dict[str, tuple] = {}
        rates: list[tuple[float, float]] = []
        with TestClient(app) as client:
            warm = [item(households[0], policy_code, "warm-up")]
            client.post("/api/v1/supports/bulk", content=json.dumps(warm), headers=headers)
            for run in range(args.repeat):
                items = [
                    item(households[i % len(households)], policy_code, f"R{run}-{i}")
                    for i in range(args.records)
                ]
                for label in ("new", "same again", "updates"):
                    if label == "updates":
                        for record in items:
                            record["amount_vnd"] += 1
                    body = json.dumps(items).encode()
                    TIMES.clear()
                    profile = cProfile.Profile() if args.cprofile else None
                    PROFILE["current"] = profile
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = client.post("/api/v1/supports/bulk", content=body, headers=headers)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    assert response.status_code == 200, response.text[:300]
                    stats = response.json()["stats"]
                    if label not in best or cpu < best[label][1]:
                        phases = {k: tuple(v) for k, v in TIMES.items()}
                        best[label] = (wall, cpu, stats, phases, profile)
                    if label == "new":
                        rates.append((args.records / wall, copy_rate(url, households, 10_000)))
        print("\nnew records, each round: bulk records/s, raw COPY rows/s right after, ratio")
        for bulk_rate, copy in rates:
            print(f"  {bulk_rate:8,.0f} {copy:8,.0f}  {bulk_rate / copy:.0%}")
        for label, (wall, cpu, stats, phases, profile) in best.items():
            print(
                f"\n== {label} (least CPU of {args.repeat}): {args.records / wall:,.0f} "
                f"records/s, {wall:.2f} s wall, {cpu:.2f} s CPU (this process) {stats}"
            )
            print(f"{'phase':32} {'wall s':>7} {'cpu s':>7}")
            for phase in ORDER:
                if phase in phases:
                    w, c = phases[phase]
                    print(f"{phase:32} {w:7.3f} {c:7.3f}")
            if profile is not None:
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.cprofile)
                print(out.getvalue())
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
