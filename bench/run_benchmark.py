"""The performance benchmark of issue 9: the real server on a province-sized database.

    .venv/bin/python bench/run_benchmark.py --size small      # about a minute
    .venv/bin/python bench/run_benchmark.py --size province   # 300,000 households

It creates a PostgreSQL database, migrates it, fills it with bench/generate_province.py
(COPY), starts the service as in production (`uvicorn api.main:create_app_from_env
--factory --workers 2`) and, beside it, a bare FastAPI app with the same uvicorn settings,
then prints one table: each figure beside its limit measured in the same run (the bare
endpoint, raw COPY, the query run directly with EXPLAIN ANALYZE) and beside its target.
The EXPLAIN plans go to bench/results/plans-<size>.txt.

Throughput runs 16 keep-alive connections; latencies (p50/p95/p99) 2 connections, as two
officers working at once (one per worker). The client shares the machine's cores with the
server and PostgreSQL. The agency key rate limit is raised for the run (it would otherwise
answer 429 long before the server is busy).
"""

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.agencies.schemas import KeyCreate  # noqa: E402
from api.agencies.service import create_key  # noqa: E402
from api.auth.api_keys import SCOPES  # noqa: E402
from api.auth.passwords import Passwords  # noqa: E402
from api.auth.principal import SYSTEM  # noqa: E402
from api.db import make_engine  # noqa: E402
from api.main import create_app  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models import Agency, Household, Place, User, UserPlace  # noqa: E402
from api.models.base import new_id  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench import load  # noqa: E402
from bench.generate_province import BENCH_AGENCY, BENCH_POLICY, SIZES, generate  # noqa: E402
from bench.server import (  # noqa: E402
    ADMIN_URL,
    Server,
    create_database,
    drop_database,
    libpq_url,
    server_env,
)

PASSWORD = "bench-password-0123456789"
RESULTS = REPO / "bench" / "results"


@dataclass
class Plan:
    """How long a request's slowest SQL statement takes run directly, and how it runs."""

    statements: int
    execution_ms: float
    summary: str


@dataclass
class Row:
    section: str
    label: str
    figure: str
    limit: str = ""
    target: str = ""
    verdict: str = ""


class Bench:
    def __init__(self, args, url: str):
        self.args = args
        self.url = url
        self.size = SIZES[args.size]
        self.rows: list[Row] = []
        self.plans: list[str] = []
        self.rng = random.Random(7)
        quick = args.size == "small"
        self.duration = 2.0 if quick else 8.0
        self.samples = 60 if quick else 400

    # -- set-up ---------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Users (an administrator, an officer of one commune), an agency key, sample ids."""
        engine = make_engine(self.url)
        passwords = Passwords(time_cost=1, memory_cost=8192)
        with Session(engine, expire_on_commit=False) as session:
            places = session.exec(
                select(Place).where(Place.level.in_(("province", "commune", "ward")))
            ).all()
            self.province = next(p for p in places if p.level == "province")
            communes = sorted((p for p in places if p.level != "province"), key=lambda p: p.code)
            self.commune = communes[0]
            suffix = uuid.uuid4().hex[:6]
            admin = User(
                username=f"bench-admin-{suffix}",
                full_name="Quản trị bench",
                password_hash=passwords.hash(PASSWORD),
                role="admin",
            )
            officer = User(
                username=f"bench-officer-{suffix}",
                full_name="Cán bộ xã bench",
                password_hash=passwords.hash(PASSWORD),
                role="commune_officer",
            )
            session.add_all([admin, officer])
            session.flush()
            session.add(UserPlace(user_id=officer.id, place_id=self.commune.id))
            agency = session.exec(select(Agency).where(Agency.code == BENCH_AGENCY)).one()
            _, self.agency_key = create_key(
                session,
                principal=SYSTEM,
                agency=agency,
                data=KeyCreate(scopes=list(SCOPES)),
                max_live=10_000,
            )
            self.usernames = {"admin": admin.username, "officer": officer.username}
            all_ids = session.exec(
                select(Household.id).where(Household.archived_at.is_(None))
            ).all()
            self.household_ids = self.rng.sample(all_ids, min(5000, len(all_ids)))
            rows = session.exec(
                select(Household.id, Household.head_name).where(
                    Household.commune_id == self.commune.id
                )
            ).all()
            self.commune_households = [hid for hid, _ in rows]
            self.commune_names = [name for _, name in rows]
            names = session.exec(
                select(Household.head_name).where(Household.id.in_(self.household_ids[:2000]))
            ).all()
            self.names = list(names)
            session.commit()
        engine.dispose()

    def login(self, base: str) -> None:
        self.tokens = {}
        for role, username in self.usernames.items():
            answer = httpx.post(
                f"{base}/api/v1/auth/token",
                data={"username": username, "password": PASSWORD},
                timeout=30,
            )
            answer.raise_for_status()
            self.tokens[role] = answer.json()["access_token"]
        self.cookies = {}
        for role, username in self.usernames.items():
            with httpx.Client(base_url=base, timeout=30) as web:
                page = web.get("/login")
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
                done = web.post(
                    "/login",
                    data={
                        "username": username,
                        "password": PASSWORD,
                        "csrf_token": csrf,
                        "next": "/",
                    },
                )
                if done.status_code != 303:
                    raise RuntimeError(f"web login failed: {done.status_code}")
                self.cookies[role] = "; ".join(f"{k}={v}" for k, v in web.cookies.items())

    def auth(self, role: str) -> dict[str, str]:
        key = self.agency_key if role == "agency" else self.tokens[role]
        return {"Authorization": f"Bearer {key}"}

    # -- measuring --------------------------------------------------------------------------------

    def throughput(self, port: int, make, *, check_status=(200, 201)) -> load.Result:
        result = load.run(port, make, connections=16, duration=self.duration, warmup=1.0)
        bad = {s: n for s, n in result.statuses.items() if s not in check_status}
        if bad:
            raise RuntimeError(f"unexpected answers {bad}")
        return result

    def latency(self, port: int, make, *, requests: int | None = None) -> load.Result:
        result = load.run(
            port,
            make,
            connections=2,
            requests=requests or self.samples,
            warmup=0.5,
            max_seconds=5 if self.args.size == "small" else 20,
        )
        if result.errors():
            raise RuntimeError(f"unexpected answers {result.errors()}")
        return result

    def explain(self, label: str, path: str, headers: dict[str, str]) -> Plan:
        """Run the request in-process once, capturing its SQL; EXPLAIN ANALYZE the slowest."""
        captured: list[list] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            took = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
            captured.append([took, statement, parameters])

        self.client.get(path, headers=headers)  # warm caches (and the principal's lookups)
        event.listen(self.engine, "before_cursor_execute", before)
        event.listen(self.engine, "after_cursor_execute", after)
        try:
            answer = self.client.get(path, headers=headers)
        finally:
            event.remove(self.engine, "before_cursor_execute", before)
            event.remove(self.engine, "after_cursor_execute", after)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
        selects = [c for c in captured if c[1].lstrip().upper().startswith(("SELECT", "WITH"))]
        _, statement, parameters = max(selects, key=lambda c: c[0])
        times, plan = [], None
        with psycopg.connect(libpq_url(self.url)) as conn:
            for _ in range(5):
                cur = conn.execute(
                    "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
                )
                plan = cur.fetchone()[0][0]
                times.append(plan["Planning Time"] + plan["Execution Time"])
            text = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
            conn.rollback()
        self.plans.append(
            f"## {label}\nGET {path}\n{len(captured)} SQL statements; the slowest:\n\n"
            f"{statement}\n\n{parameters}\n\n" + "\n".join(r[0] for r in text) + "\n"
        )
        return Plan(len(captured), statistics.median(times), _plan_summary(plan["Plan"]))

    def add(self, *row) -> None:
        self.rows.append(Row(*row))
        if self.args.verbose:
            print("  ", " | ".join(str(x) for x in row), flush=True)

    # -- the sections -----------------------------------------------------------------------------

    def run_throughput(self, api: Server, bare: Server) -> None:
        get_bare = load.request("GET", "/constant")
        bare_get = self.throughput(bare.port, lambda i: get_bare)
        ids = self.household_ids
        admin = self.auth("admin")
        get_real = self.throughput(
            api.port,
            lambda i: load.request("GET", f"/api/v1/households/{ids[i % len(ids)]}", headers=admin),
        )
        self.add(
            "Single-record throughput (16 connections)",
            "bare FastAPI GET, constant",
            f"{bare_get.rate:,.0f} req/s",
            "",
            "",
            "",
        )
        ratio = get_real.rate / bare_get.rate
        self.add(
            "Single-record throughput (16 connections)",
            "GET /households/{id}",
            f"{get_real.rate:,.0f} req/s (p95 {get_real.percentile(95):.0f} ms)",
            f"{ratio:.0%} of bare GET",
            ">= 40 %",
            _ok(ratio >= 0.40),
        )

        body = _support_item(ids[0], "BENCH-X")
        post_bare_bytes = load.request("POST", "/constant", body=body)
        bare_post = self.throughput(bare.port, lambda i: post_bare_bytes)
        self.add(
            "Single-record throughput (16 connections)",
            "bare FastAPI POST, constant",
            f"{bare_post.rate:,.0f} req/s",
            "",
            "",
            "",
        )
        agency = self.auth("agency")
        run = uuid.uuid4().hex[:6]

        def post(i: int, *, keyed: bool) -> bytes:
            item = _support_item(ids[i % len(ids)], f"P-{run}-{int(keyed)}-{i}")
            headers = {**agency, "Idempotency-Key": f"{run}-{i}"} if keyed else agency
            return load.request("POST", "/api/v1/supports", headers=headers, body=item)

        plain = self.throughput(api.port, lambda i: post(i, keyed=False))
        ratio = plain.rate / bare_post.rate
        self.add(
            "Single-record throughput (16 connections)",
            "POST /supports",
            f"{plain.rate:,.0f} req/s (p95 {plain.percentile(95):.0f} ms)",
            f"{ratio:.0%} of bare POST",
            "",
            "",
        )
        run = uuid.uuid4().hex[:6]
        keyed = self.throughput(api.port, lambda i: post(i, keyed=True))
        ratio = keyed.rate / bare_post.rate
        self.add(
            "Single-record throughput (16 connections)",
            "POST /supports + Idempotency-Key",
            f"{keyed.rate:,.0f} req/s (p95 {keyed.percentile(95):.0f} ms)",
            f"{ratio:.0%} of bare POST ({keyed.rate / bare_get.rate:.0%} of bare GET)",
            ">= 25 %",
            _ok(ratio >= 0.25),
        )

    def run_bulk(self, api: Server) -> None:
        ids = self.household_ids
        records = 10_000
        rates = []
        with httpx.Client(base_url=api.base_url, timeout=600) as http:
            for _attempt in range(3):
                run = uuid.uuid4().hex[:6]
                items = [_support_item(ids[i % len(ids)], f"B-{run}-{i}") for i in range(records)]
                body = json.dumps(items).encode()
                started = time.perf_counter()
                answer = http.post(
                    "/api/v1/supports/bulk",
                    content=body,
                    headers={**self.auth("agency"), "Content-Type": "application/json"},
                )
                seconds = time.perf_counter() - started
                stats = answer.json().get("stats", {})
                if answer.status_code != 200 or stats.get("created") != records:
                    raise RuntimeError(f"bulk: {answer.status_code} {answer.text[:300]}")
                rates.append(records / seconds)
        api_rate = statistics.median(rates)
        copy_rate = self.copy_limit(records)
        ratio = api_rate / copy_rate
        self.add(
            "Bulk supports (10,000 a request)",
            "COPY of the same rows into supports",
            f"{copy_rate:,.0f} rows/s",
            "",
            "",
            "",
        )
        self.add(
            "Bulk supports (10,000 a request)",
            "POST /supports/bulk, new records",
            f"{api_rate:,.0f} records/s",
            f"{ratio:.0%} of COPY",
            ">= 10,000/s and >= 30 %",
            _ok(api_rate >= 10_000 and ratio >= 0.30),
        )

    def copy_limit(self, records: int) -> float:
        """Rows per second COPY writes the same support rows (with their indexes), undone."""
        ids = self.household_ids
        with psycopg.connect(libpq_url(self.url)) as conn:
            agency_id, policy_id = conn.execute(
                "SELECT a.id, p.id FROM agencies a JOIN policies p ON p.agency_id = a.id "
                "WHERE a.code = %s AND p.code = %s",
                (BENCH_AGENCY, BENCH_POLICY),
            ).fetchone()
            rates = []
            for _ in range(3):
                run = uuid.uuid4().hex[:6]
                now = datetime.now(UTC)
                rows = [
                    (
                        new_id("sp"),
                        agency_id,
                        policy_id,
                        ids[i % len(ids)],
                        "credit",
                        date(2026, 3, 15),
                        50_000_000,
                        None,
                        "policy_credit",
                        "delivered",
                        f"C-{run}-{i}",
                        '{"term_months": 36, "interest_rate": 6.6}',
                        "agency",
                        agency_id,
                        now,
                        now,
                        1,
                    )
                    for i in range(records)
                ]
                started = time.perf_counter()
                with conn.cursor().copy(
                    "COPY supports (id, agency_id, policy_id, household_id, category, "
                    "delivered_on, amount_vnd, quantity, funding_source, status, external_ref, "
                    "attributes, recorded_by_kind, recorded_by_id, created_at, updated_at, "
                    "version) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
                conn.commit()
                rates.append(records / (time.perf_counter() - started))
                conn.execute("DELETE FROM supports WHERE external_ref LIKE %s", (f"C-{run}-%",))
                conn.commit()
        return statistics.median(rates)

    def run_lists(self, api: Server) -> None:
        """Search, worklists and the early-warning list: p95, and the query run directly."""
        commune = self.commune.id
        names = self.names
        commune_names = self.commune_names
        cases = [
            (
                "Household search",
                "by name, province administrator",
                "admin",
                lambda i: f"/api/v1/households?{urlencode({'q': names[i % len(names)]})}",
            ),
            (
                "Household search",
                "by name, commune officer",
                "officer",
                lambda i: (
                    "/api/v1/households?" + urlencode({"q": commune_names[i % len(commune_names)]})
                ),
            ),
            (
                "Household search",
                "by place (a commune), administrator",
                "admin",
                lambda i: f"/api/v1/households?place_id={commune}",
            ),
            (
                "Household search",
                "by place + status=poor, administrator",
                "admin",
                lambda i: f"/api/v1/households?place_id={commune}&status=poor",
            ),
            (
                "Worklists of one commune",
                "visits due (officer)",
                "officer",
                lambda i: f"/api/v1/visits/due?place_id={commune}",
            ),
            (
                "Worklists of one commune",
                "early warning, households by risk (officer)",
                "officer",
                lambda i: f"/api/v1/households?place_id={commune}&sort=-risk",
            ),
        ]
        if self.reports:
            cases.append(
                (
                    "Worklists of one commune",
                    "early-warning report (officer)",
                    "officer",
                    lambda i: f"/api/v1/reports/early-warning?place_id={commune}",
                )
            )
        for section, label, role, path_of in cases:
            headers = self.auth(role)
            result = self.latency(
                api.port, lambda i, p=path_of, h=headers: load.request("GET", p(i), headers=h)
            )
            plan = self.explain(label, path_of(0), headers)
            p95 = result.percentile(95)
            self.add(
                section,
                label,
                f"p50 {result.percentile(50):.1f} / p95 {p95:.1f} / "
                f"p99 {result.percentile(99):.1f} ms",
                f"direct {plan.execution_ms:.1f} ms, {plan.statements} SQL; {plan.summary}",
                "p95 <= 30 ms",
                _ok(p95 <= 30),
            )

    def run_reports(self, api: Server) -> None:
        """The web dashboard's report set (web/dashboard.py), for the province and a commune:
        each call's p95, the whole set as the page loads it, and the other reports."""
        year = date.today().year - 1
        calls = 10 if self.args.size == "small" else 60
        for scope, role, place in (
            ("province", "admin", self.province.id),
            ("commune", "officer", self.commune.id),
        ):
            headers = self.auth(role)
            dashboard = [
                f"/api/v1/visits/due?within_days=7&page_size=1&summary=totals&place_id={place}",
                f"/api/v1/reports/poverty-rate?place_id={place}",
                *(
                    f"/api/v1/reports/poverty-rate?year={y}&place_id={place}"
                    for y in range(year - 4, year + 1)
                ),
                f"/api/v1/reports/transitions?from_year={year - 4}&to_year={year}&place_id={place}",
                f"/api/v1/reports/early-warning?place_id={place}&limit=5",
                f"/api/v1/targets?place_id={place}&kind=poor",
            ]
            others = [
                f"/api/v1/reports/{name}?place_id={place}"
                for name in ("supports", "support-coverage", "needs", "visit-coverage", "workload")
            ]
            worst, worst_other = (0.0, ""), (0.0, "")
            for path in dashboard + others:
                result = load.run(
                    api.port,
                    lambda i, p=path, h=headers: load.request("GET", p, headers=h),
                    connections=2,
                    requests=calls if path in dashboard else calls // 2,
                    warmup=0.3,
                    max_seconds=10,
                )
                if result.errors():
                    raise RuntimeError(f"{path}: {result.errors()}")
                p95 = result.percentile(95)
                if path in dashboard and p95 > worst[0]:
                    worst = (p95, path)
                if path in others and p95 > worst_other[0]:
                    worst_other = (p95, path)
                if self.args.verbose:
                    print(f"    {scope} {_short(path)}: p95 {p95:.1f} ms", flush=True)
            total = self.report_set(api, headers, dashboard[:2], dashboard[2:])
            plan = self.explain(f"{scope}: slowest dashboard call", worst[1], headers)
            self.add(
                "Dashboard report set",
                f"{scope}: the whole set, as the dashboard page loads it",
                f"p95 {total:.0f} ms",
                "",
                "p95 <= 150 ms",
                _ok(total <= 150),
            )
            self.add(
                "Dashboard report set",
                f"{scope}: slowest call of the set",
                f"p95 {worst[0]:.0f} ms ({_short(worst[1])})",
                f"direct {plan.execution_ms:.1f} ms, {plan.statements} SQL; {plan.summary}",
                "p95 <= 150 ms",
                _ok(worst[0] <= 150),
            )
            plan = self.explain(f"{scope}: slowest other report", worst_other[1], headers)
            self.add(
                "Dashboard report set",
                f"{scope}: slowest other report (not on the dashboard)",
                f"p95 {worst_other[0]:.0f} ms ({_short(worst_other[1])})",
                f"direct {plan.execution_ms:.1f} ms, {plan.statements} SQL; {plan.summary}",
                "",
                "",
            )

    def report_set(self, api: Server, headers, first: list[str], parallel: list[str]) -> float:
        """p95 of loading the whole set: the first calls in turn, then the rest at once."""
        totals = []

        async def once(clients):
            started = time.perf_counter()
            for path in first:
                await clients[0].get(path)
            await asyncio.gather(*(c.get(p) for c, p in zip(clients, parallel, strict=False)))
            return time.perf_counter() - started

        async def main():
            limits = httpx.Limits(max_connections=len(parallel))
            async with httpx.AsyncClient(
                base_url=api.base_url, headers=headers, limits=limits, timeout=60
            ) as http:
                clients = [http] * len(parallel)
                for _ in range(2):
                    await once(clients)
                deadline = time.perf_counter() + 20
                for _ in range(6 if self.args.size == "small" else 30):
                    if time.perf_counter() > deadline and len(totals) >= 5:
                        break
                    totals.append(await once(clients))

        asyncio.run(main())
        return statistics.quantiles(totals, n=20)[18] * 1000

    def run_profile(self, api: Server) -> None:
        for role, ids in (("officer", self.commune_households), ("admin", self.household_ids)):
            cookie = self.cookies[role]
            result = self.latency(
                api.port,
                lambda i, ids=ids, c=cookie: load.request(
                    "GET", f"/households/{ids[i % len(ids)]}", headers={"Cookie": c}
                ),
            )
            p95 = result.percentile(95)
            who = "commune officer" if role == "officer" else "province administrator"
            self.add(
                "Web app",
                f"household profile page, {who}",
                f"p50 {result.percentile(50):.1f} / p95 {p95:.1f} ms",
                "",
                "p95 <= 60 ms",
                _ok(p95 <= 60),
            )

    # -- the run ------------------------------------------------------------------------------------

    def run(self) -> None:
        self.prepare()
        with tempfile.TemporaryDirectory() as tmp:
            env = server_env(
                self.url,
                GIAMNGHEO_WEB_SESSION_FILE=f"{tmp}/sessions.db",
                GIAMNGHEO_API_KEY_RATE_PER_MINUTE="100000000",
                GIAMNGHEO_API_KEY_BURST="100000000",
            )
            api = Server(env=env, workers=self.args.workers).start()
            bare = Server(
                env=env, app="bench.bare_app:app", factory=False, workers=self.args.workers
            ).start()
            try:
                self.login(api.base_url)
                settings = Settings(
                    database_url=self.url,
                    env="production",
                    secret_key=env["GIAMNGHEO_SECRET_KEY"],
                    log_level="WARNING",
                    web_session_file="",
                )
                self.engine = make_engine(self.url)
                app = create_app(settings, engine=self.engine, with_web=False)
                with TestClient(app) as self.client:
                    self.reports = (
                        self.client.get("/api/v1/reports", headers=self.auth("admin")).status_code
                        == 200
                    )
                    steps = [
                        ("throughput", lambda: self.run_throughput(api, bare)),
                        ("bulk", lambda: self.run_bulk(api)),
                        ("lists", lambda: self.run_lists(api)),
                        ("reports", lambda: self.run_reports(api) if self.reports else None),
                        ("profile", lambda: self.run_profile(api)),
                    ]
                    for name, step in steps:
                        if self.args.only and name not in self.args.only:
                            continue
                        print(f"- {name}", flush=True)
                        step()
                self.engine.dispose()
                peaks = api.peak_rss_mb()
                worst = max(peaks.values())
                self.add(
                    "Memory",
                    f"server peak RSS per worker ({len(peaks)} workers)",
                    " / ".join(f"{mb:.0f} MB" for mb in peaks.values()),
                    "",
                    "<= 300 MB",
                    _ok(worst <= 300),
                )
            finally:
                bare.stop()
                api.stop()
        if not self.reports:
            self.add(
                "Dashboard report set",
                "not measured: /api/v1/reports is not served yet",
                "—",
                "",
                "p95 <= 150 ms",
                "n/a",
            )


def _support_item(household_id: str, ref: str) -> dict:
    return {
        "household_id": household_id,
        "policy_code": BENCH_POLICY,
        "delivered_on": "2026-03-15",
        "amount_vnd": 50_000_000,
        "external_ref": ref,
        "attributes": {"term_months": 36, "interest_rate": 6.6},
    }


def _short(path: str) -> str:
    """A call's name in the table: the last part of its path."""
    return path.split("?")[0].rsplit("/", 1)[1]


def _ok(passed: bool) -> str:
    return "meets" if passed else "MISSES"


def _plan_summary(plan: dict) -> str:
    """The scans of a plan, e.g. 'Index Scan ix_households_place_path on households'."""
    scans = []

    def walk(node):
        kind = node["Node Type"]
        if "Scan" in kind and kind not in ("Subquery Scan", "CTE Scan", "Function Scan"):
            where = node.get("Index Name") or ""
            relation = node.get("Relation Name", "")
            scans.append(f"{kind.replace(' Scan', '')} {where or relation}".strip())
        for child in node.get("Plans", []):
            walk(child)

    walk(plan)
    unique = list(dict.fromkeys(scans))
    text = ", ".join(unique[:3]) + (f" +{len(unique) - 3}" if len(unique) > 3 else "")
    return text


def print_table(rows: list[Row], header: str) -> str:
    widths = [
        max(len(r.label) for r in rows),
        max(len(r.figure) for r in rows),
        max(len(r.limit) for r in rows),
        max(len(r.target) for r in rows),
    ]
    lines = [header, ""]
    title = (
        f"| {'measure':<{widths[0]}} | {'figure':<{widths[1]}} | "
        f"{'limit, same run':<{widths[2]}} | {'target':<{widths[3]}} | result |"
    )
    lines += [title, "|" + "|".join("-" * (w + 2) for w in widths) + "|--------|"]
    section = None
    for r in rows:
        if r.section != section:
            section = r.section
            lines.append(f"| **{section}** |" + " |" * 4)
        lines.append(
            f"| {r.label:<{widths[0]}} | {r.figure:<{widths[1]}} | "
            f"{r.limit:<{widths[2]}} | {r.target:<{widths[3]}} | {r.verdict} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpus = len(os.sched_getaffinity(0))
    with open("/proc/meminfo") as handle:
        kb = int(handle.readline().split()[1])
    with psycopg.connect(libpq_url(ADMIN_URL)) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    return (
        f"{cpus} cores, {kb / 1024 / 1024:.0f} GB RAM, PostgreSQL {version}, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (production: 2)")
    parser.add_argument("--database-url", help="reuse a database a previous run kept")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--only", nargs="*", help="throughput bulk lists reports profile")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    name, url = None, args.database_url
    load_note = "reused database"
    if url is None:
        name, url = create_database(f"gn_bench_{args.size}")
    try:
        if name is not None:
            upgrade(url)
            print(f"generating the {args.size} dataset into {name} …", flush=True)
            dataset = generate(url, SIZES[args.size])
            counts = ", ".join(f"{k} {v:,}" for k, v in dataset.counts.items() if v > 100)
            load_note = f"loaded in {dataset.seconds:.0f} s ({counts})"
            print(load_note, flush=True)
        bench = Bench(args, url)
        bench.run()
    finally:
        if name is not None and not args.keep:
            drop_database(name)
        elif name is not None:
            print(f"kept database: {url}")
    header = (
        f"giamngheo benchmark, --size {args.size}, {date.today().isoformat()}, "
        f"{machine()}, {args.workers} uvicorn workers\n{load_note}; "
        f"whole run {time.perf_counter() - started:.0f} s"
    )
    table = print_table(bench.rows, header)
    print("\n" + table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"latest-{args.size}.md").write_text(table + "\n", encoding="utf-8")
    (RESULTS / f"plans-{args.size}.txt").write_text("\n".join(bench.plans), encoding="utf-8")


if __name__ == "__main__":
    main()
