"""Where one request's time goes: the app driven in-process (no HTTP, no sockets), on PostgreSQL.

    .venv/bin/python bench/profile_requests.py                      # makes a small database
    .venv/bin/python bench/profile_requests.py --database-url URL   # reuses one (--keep)
    .venv/bin/python bench/profile_requests.py --case get --cprofile /tmp/get.prof

For each case (GET one household as an administrator, POST /supports as an agency, the same
with Idempotency-Key) it prints the CPU time of this process per request (with the thread
pool, as served), the SQL statements per request and their time waiting on the database.
With --cprofile the thread pool hand-overs run inline, so one profile sees every function.
"""

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import anyio.to_thread
import orjson
import uvloop
from sqlalchemy import event
from sqlmodel import Session, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.agencies.schemas import KeyCreate  # noqa: E402
from api.agencies.service import create_key  # noqa: E402
from api.auth.api_keys import SCOPES  # noqa: E402
from api.auth.principal import SYSTEM  # noqa: E402
from api.auth.service import issue_token  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.main import create_app  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models import Agency, Household, User  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench.generate_province import BENCH_AGENCY, BENCH_POLICY, SIZES, generate  # noqa: E402
from bench.server import create_database  # noqa: E402


def prepare(url: str) -> tuple[str, str, list[str]]:
    """An administrator's token, an agency key with every scope, some household ids."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        admin = User(
            username=f"prof-admin-{uuid.uuid4().hex[:6]}",
            full_name="Quản trị",
            password_hash="x",
            role="admin",
        )
        session.add(admin)
        session.flush()
        token = issue_token(session, user=admin, ttl_seconds=86400)
        agency = session.exec(select(Agency).where(Agency.code == BENCH_AGENCY)).one()
        _, key = create_key(
            session,
            principal=SYSTEM,
            agency=agency,
            data=KeyCreate(scopes=list(SCOPES)),
            max_live=10_000,
        )
        ids = list(session.exec(select(Household.id).limit(2000)))
        session.commit()
    engine.dispose()
    return token, key, ids


def scope_of(method: str, path: str, headers: dict[str, str]) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def call(app, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
    status = 0
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope_of(method, path, headers), receive, send)
    return status


def cases(token: str, key: str, ids: list[str]):
    admin = {"authorization": f"Bearer {token}"}
    agency = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    run = uuid.uuid4().hex[:6]

    def get(i):
        return "GET", f"/api/v1/households/{ids[i % len(ids)]}", admin, b""

    def post(i, keyed=False):
        item = {
            "household_id": ids[i % len(ids)],
            "policy_code": BENCH_POLICY,
            "delivered_on": "2026-03-15",
            "amount_vnd": 50_000_000,
            "external_ref": f"PROF-{run}-{int(keyed)}-{i}",
            "attributes": {"term_months": 36, "interest_rate": 6.6},
        }
        headers = {**agency, "idempotency-key": f"{run}-{i}"} if keyed else agency
        return "POST", "/api/v1/supports", headers, orjson.dumps(item)

    return {"get": get, "post": post, "post_keyed": lambda i: post(i, keyed=True)}


async def drive(app, make, start: int, count: int, concurrency: int) -> Counter:
    statuses: Counter = Counter()
    queue = iter(range(start, start + count))

    async def worker():
        for i in queue:
            statuses[await call(app, *make(i))] += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--case", nargs="*", default=["get", "post", "post_keyed"])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--cprofile", help="write a profile per case to <this>-<case>.prof")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3, help="report the least CPU of these")
    parser.add_argument("--pyinstrument", help="write a text profile per case to <this>-<case>.txt")
    parser.add_argument("--show-sql", action="store_true", help="print one request's SQL")
    args = parser.parse_args()
    url = args.database_url
    if url is None:
        name, url = create_database("gn_prof")
        upgrade(url)
        generate(url, SIZES["small"])
        print(f"kept database {name}: {url}")
    token, key, ids = prepare(url)
    settings = Settings(
        database_url=url,
        env="production",
        secret_key="profile-secret-key-0123456789abcdef",
        log_level="WARNING",
        web_session_file="",
        api_key_rate_per_minute=100_000_000,
        api_key_burst=100_000_000,
    )
    engine = make_engine(url)
    app = create_app(settings, engine=engine, with_web=False)
    statements: list[tuple[str, float]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["prof_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        took = time.perf_counter() - conn.info.pop("prof_started", time.perf_counter())
        statements.append((statement, took))

    handovers = [0]
    if args.cprofile or args.pyinstrument:
        # Inline: the profilers see only the thread they run in.
        async def inline(func, *a, **_kw):
            handovers[0] += 1
            return func(*a)

        anyio.to_thread.run_sync = inline

    async def run_all():
        async with app.router.lifespan_context(app):
            for name in args.case:
                make = cases(token, key, ids)[name]
                offset = 0
                await drive(app, make, offset, 200, args.concurrency)  # warm up
                offset += 200
                if args.show_sql:
                    statements.clear()
                    await drive(app, make, offset, 1, 1)
                    offset += 1
                    print(f"\n{name}: one request's SQL")
                    for sql, took in statements:
                        print(f"  {took * 1000:6.2f} ms  {' '.join(sql.split())[:200]}")
                best = None
                for _ in range(args.repeat):
                    statements.clear()
                    handovers[0] = 0
                    profile = cProfile.Profile(time.process_time) if args.cprofile else None
                    sampler = None
                    if args.pyinstrument:
                        from pyinstrument import Profiler  # a tool, not a dependency

                        sampler = Profiler(interval=0.0002, async_mode="disabled")
                        sampler.start()
                    if profile:
                        profile.enable()
                    cpu, wall = time.process_time(), time.perf_counter()
                    statuses = await drive(app, make, offset, args.requests, args.concurrency)
                    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                    offset += args.requests
                    if profile:
                        profile.disable()
                    if sampler:
                        sampler.stop()
                    if best is None or cpu < best[0]:
                        best = (cpu, wall, len(statements), sum(t for _, t in statements))
                cpu, wall, count, db = best
                n = args.requests
                print(
                    f"{name:>10}: {n / wall:7.0f} req/s in-process, "
                    f"CPU {cpu / n * 1e6:6.0f} µs/request (best of {args.repeat}), "
                    f"{count / n:.2f} SQL statements/request "
                    f"({db / n * 1e6:.0f} µs waiting), statuses {dict(statuses)}"
                )
                if sampler:
                    text = sampler.output_text(unicode=True, show_all=False, timeline=False)
                    Path(f"{args.pyinstrument}-{name}.txt").write_text(text)
                if profile:
                    out = f"{args.cprofile}-{name}.prof"
                    profile.dump_stats(out)
                    stats = pstats.Stats(profile).sort_stats("tottime")
                    print(
                        f"{name:>10}: {stats.total_calls / n:.0f} Python function calls/request, "
                        f"{handovers[0] / n:.2f} thread pool hand-overs/request"
                    )
                    stats.print_stats(args.top)

    uvloop.run(run_all())  # as uvicorn serves
    engine.dispose()


if __name__ == "__main__":
    main()
