"""Load with a crash in the middle, on PostgreSQL: nothing acknowledged is lost, nothing is
written twice.

    .venv/bin/python bench/crash_load.py                      # the full form (20,000 records)
    .venv/bin/python bench/crash_load.py --bounded            # the CI form (300 records)
    .venv/bin/python bench/crash_load.py --records 5000 --clients 20 --workers 4 --kills 2

It creates its own PostgreSQL database (dropped at the end unless --keep), migrates it and
starts the real server, `giamngheo serve --workers N`, in its own process group. Then, all at
once:

* `--clients` agency clients (spread over four agencies, each with its own API key) post
  `--records` support records, one POST each with an Idempotency-Key and the agency's
  external_ref. A few requests are dropped on purpose (the client stops reading after a
  millisecond, as a lost connection would), some acknowledged records are resent with the
  same key (a replay) or a new one (an upsert), and some are corrected with a new amount.
  A client retries with the same key until it gets 200/201: timeouts, refused connections,
  409 (the key is still running) and 5xx are retried with backoff.
* officers post monitoring visits to ONE household (each with a unique text), with the same
  drops and resends;
* three officers race to post each step of the household's reviews (surveyed, meeting,
  posted, recognised), year after year: one wins each step, the others get 409.

When half the records are acknowledged the whole server (every worker) gets SIGKILL; it is
restarted on the same port and the clients carry on. Afterwards the database must hold every
acknowledged record exactly once, with its last acknowledged amount, and nothing else; every
acknowledged visit exactly once; each review's four steps exactly once, in order.

"Acknowledged" means a 200 or 201 the client received. The server runs with
GIAMNGHEO_IDEMPOTENCY_LOCK_SECONDS=3 (the default is 120), so that keys left "running" by the
killed workers are taken over within the run.
"""

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.auth.passwords import Passwords  # noqa: E402
from api.core.dates import today_in_vietnam  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.models import User  # noqa: E402
from api.models.base import new_id  # noqa: E402

ADMIN_URL = os.environ.get(
    "GIAMNGHEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "crash-load-password-2026"
AGENCIES = 4
DROP_RATE = 0.02  # requests the client abandons after a millisecond
RESEND_RATE = 0.05  # acknowledged records sent again
CORRECT_RATE = 0.02  # acknowledged records sent again with another amount
YEARS = range(2016, 2027)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter = field(default_factory=Counter)

    def add(self, name: str, number: int = 1) -> None:
        with self.lock:
            self.counts[name] += number


class Server:
    """`giamngheo serve` in its own process group, so SIGKILL takes every worker at once."""

    def __init__(self, database_url: str, port: int, workers: int, log: Path):
        self.port, self.workers, self.log = port, workers, log
        self.env = {
            **os.environ,
            "GIAMNGHEO_ENV": "test",
            "GIAMNGHEO_DATABASE_URL": database_url,
            "GIAMNGHEO_SECRET_KEY": "crash-load-secret-0123456789",
            "GIAMNGHEO_LOG_LEVEL": "WARNING",
            "GIAMNGHEO_IDEMPOTENCY_LOCK_SECONDS": "3",
            "GIAMNGHEO_API_KEY_RATE_PER_MINUTE": "0",
            "GIAMNGHEO_ARGON2_TIME_COST": "1",
            "GIAMNGHEO_ARGON2_MEMORY_COST": "8192",
            "GIAMNGHEO_WEB_SESSION_FILE": "",
        }
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> float:
        started = time.monotonic()
        args = [sys.executable, "-m", "api.cli", "serve", "--no-migrate"]
        args += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                args, cwd=REPO, env=self.env, stdout=out, stderr=out, start_new_session=True
            )
        last = "no answer"
        while time.monotonic() - started < timeout:
            try:
                ready = httpx.get(self.base_url + "/readyz", timeout=1)
                if ready.status_code == 200:
                    return time.monotonic() - started
                last = ready.text
            except httpx.HTTPError as exc:
                last = repr(exc)
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log}")
            time.sleep(0.1)
        raise RuntimeError(f"the server did not become ready ({last}); see {self.log}")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def send_until_acknowledged(
    http: httpx.Client, url: str, body: dict, headers: dict, stats: Stats, *, drop: bool
) -> httpx.Response:
    """POST with one Idempotency-Key until a 200/201 comes back (the client's whole job)."""
    headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    backoff = 0.05
    while True:
        timeout = httpx.Timeout(30, read=0.001) if drop else httpx.Timeout(30)
        drop = False  # only the first try is dropped on purpose
        try:
            response = http.post(url, json=body, headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            stats.add("dropped or timed out")
        except httpx.TransportError:
            stats.add("connection errors")
        else:
            if response.status_code in (200, 201):
                stats.add("replayed" if response.headers.get("idempotent-replayed") else "ok")
                return response
            if response.status_code == 409 and response.json().get("title") == (
                "Request in progress"
            ):
                stats.add("409 still running")
            elif response.status_code >= 500:
                stats.add(f"{response.status_code} answers")
            else:
                return response  # a refusal: the caller decides
        time.sleep(backoff)
        backoff = min(backoff * 2, 1.0)


def support_client(base_url, key, policy_id, households, records, acked, stats, rng):
    """Post these records; `acked` maps external_ref -> last acknowledged amount."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for ref in records:
            body = {
                "household_id": rng.choice(households),
                "policy_id": policy_id,
                "delivered_on": "2026-03-15",
                "amount_vnd": rng.randrange(1, 500) * 100_000,
                "funding_source": "policy_credit",
                "external_ref": ref,
            }
            drop = rng.random() < DROP_RATE
            response = send_until_acknowledged(
                http, "/api/v1/supports", body, headers, stats, drop=drop
            )
            assert response.status_code in (200, 201), response.text
            acked[ref] = body["amount_vnd"]
            stats.add("records acknowledged")
            if rng.random() < RESEND_RATE:  # same body, new key: an upsert that changes nothing
                again = send_until_acknowledged(
                    http, "/api/v1/supports", body, headers, stats, drop=False
                )
                assert again.status_code == 200, again.text
                stats.add("resends")
            if rng.random() < CORRECT_RATE:  # a corrected amount
                body = {**body, "amount_vnd": body["amount_vnd"] + 50_000}
                fixed = send_until_acknowledged(
                    http, "/api/v1/supports", body, headers, stats, drop=rng.random() < 0.3
                )
                assert fixed.status_code == 200, fixed.text
                acked[ref] = body["amount_vnd"]
                stats.add("corrections")


def visit_client(base_url, headers, household_id, visitor_id, count, acked, stats, rng, name):
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for i in range(count):
            marker = f"{name}-visit-{i}"
            body = {
                "household_id": household_id,
                "visitor_id": visitor_id,
                "visited_on": today_in_vietnam().isoformat(),
                "purpose": "follow_up",
                "living_conditions": marker,
            }
            response = send_until_acknowledged(
                http, "/api/v1/visits", body, headers, stats, drop=rng.random() < 0.05
            )
            assert response.status_code == 201, response.text
            acked.append(marker)
            stats.add("visits acknowledged")


STEPS = (
    lambda y: {"step": "surveyed"},
    lambda y: {"step": "meeting", "attendees": 20, "agreeing": 15},
    lambda y: {"step": "posted", "posted_on": f"{y}-11-20"},
    lambda y: {
        "step": "recognised",
        "decision_number": f"{y}/QĐ-UBND",
        "decision_date": f"{y}-12-10",
    },
)


def review_races(base_url, headers, household_id, years, won, stats, done):
    """Year after year, three officers race to post each step of the review."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        base = f"/api/v1/households/{household_id}/assessments"
        for year in years:
            answers = {"year": year, "income_per_capita": 900_000, "deprivations": ["HE2", "WS2"]}
            created = send_until_acknowledged(http, base, answers, headers, stats, drop=False)
            assert created.status_code == 201, created.text
            url = f"{base}/{created.json()['id']}/steps"
            won.append((created.json()["id"], "created"))  # the step row a new review starts with
            for make_step in STEPS:
                step = make_step(year)
                answers_by_racer: list[int] = []

                def race(seed, step=step, url=url, answers_by_racer=answers_by_racer):
                    with httpx.Client(base_url=base_url, timeout=30) as own:
                        response = send_until_acknowledged(
                            own, url, step, headers, stats, drop=seed == 0
                        )
                        answers_by_racer.append(response.status_code)

                racers = [threading.Thread(target=race, args=(i,)) for i in range(3)]
                for racer in racers:
                    racer.start()
                for racer in racers:
                    racer.join()
                # One racer wins; the others were refused (409) or replayed the win (200).
                assert 200 in answers_by_racer, answers_by_racer
                stats.add("steps raced")
                won.append((created.json()["id"], step["step"]))
    done.set()


def seed(database_url: str, base_url: str, households: int) -> dict:
    """An administrator straight in the database; everything else through the API."""
    engine = create_engine(database_url)
    passwords = Passwords(time_cost=1, memory_cost=8192)
    with engine.begin() as conn:
        conn.execute(
            User.__table__.insert().values(
                id=new_id("usr"),
                username="crash.admin",
                full_name="Quản trị",
                password_hash=passwords.hash(PASSWORD),
                role="admin",
                is_active=True,
                version=1,
            )
        )
    engine.dispose()
    with httpx.Client(base_url=base_url, timeout=30) as http:
        token = http.post(
            "/api/v1/auth/token", data={"username": "crash.admin", "password": PASSWORD}
        ).json()["access_token"]
        admin = {"Authorization": f"Bearer {token}"}

        def post(url, body, headers=admin):
            response = http.post(url, json=body, headers=headers)
            assert response.status_code in (200, 201), response.text
            return response.json()

        province = post("/api/v1/places", {"code": "P84", "name": "Trà Vinh", "level": "province"})
        commune = post(
            "/api/v1/places",
            {"code": "C1", "name": "Hòa Ân", "level": "commune", "parent_id": province["id"]},
        )
        homes = [
            post(
                "/api/v1/households",
                {
                    "code": f"H{i:05d}",
                    "place_id": commune["id"],
                    "head_name": "Thạch Sơn",
                    "ethnicity": "khmer",
                },
            )["id"]
            for i in range(households)
        ]
        visited = post(
            "/api/v1/households",
            {
                "code": "VISITED",
                "place_id": commune["id"],
                "head_name": "Kim Thị Lan",
                "ethnicity": "khmer",
            },
        )["id"]
        person = post(
            "/api/v1/persons",
            {"full_name": "Lê Văn Cán", "organisation": "commune_staff", "place_id": commune["id"]},
        )["id"]
        agencies = []
        for i in range(AGENCIES):
            agency = post(
                "/api/v1/agencies",
                {"code": f"AG{i}", "name": f"Cơ quan {i}", "kind": "social_policy_bank"},
            )
            key = post(f"/api/v1/agencies/{agency['id']}/keys", {"scopes": ["supports:write"]})
            policy = post(
                "/api/v1/policies",
                {
                    "code": "VAY",
                    "name": "Cho vay",
                    "category": "credit",
                    "unit": "loan",
                    "agency_id": agency["id"],
                },
            )
            agencies.append({"id": agency["id"], "key": key["key"], "policy": policy["id"]})
    return {
        "admin": admin,
        "households": homes,
        "visited": visited,
        "person": person,
        "agencies": agencies,
    }


def verify(database_url, world, acked_by_agency, visits_acked, steps_won) -> dict:
    """What the database holds against what the clients were told."""
    engine = create_engine(database_url)
    problems = []
    with engine.connect() as conn:
        stored_supports = 0
        for agency in world["agencies"]:
            rows = conn.execute(
                text("SELECT external_ref, amount_vnd FROM supports WHERE agency_id = :a"),
                {"a": agency["id"]},
            ).all()
            stored_supports += len(rows)
            refs = Counter(ref for ref, _ in rows)
            twice = [ref for ref, n in refs.items() if n > 1]
            expected = acked_by_agency[agency["id"]]
            held = dict(rows)
            if twice:
                problems.append(f"{agency['id']}: duplicated {twice[:5]}")
            if missing := sorted(set(expected) - set(held)):
                problems.append(f"{agency['id']}: lost {len(missing)}: {missing[:5]}")
            if extra := sorted(set(held) - set(expected)):
                problems.append(f"{agency['id']}: never acknowledged {len(extra)}: {extra[:5]}")
            wrong = [r for r in expected if r in held and held[r] != expected[r]]
            if wrong:
                problems.append(f"{agency['id']}: wrong amount {wrong[:5]}")
        markers = Counter(
            marker
            for (marker,) in conn.execute(
                text("SELECT living_conditions FROM visits WHERE household_id = :h"),
                {"h": world["visited"]},
            )
        )
        if twice := [m for m, n in markers.items() if n > 1]:
            problems.append(f"visits written twice: {twice[:5]}")
        if missing := sorted(set(visits_acked) - set(markers)):
            problems.append(f"visits lost: {missing[:5]}")
        if extra := sorted(set(markers) - set(visits_acked)):
            problems.append(f"visits never acknowledged: {extra[:5]}")
        steps = conn.execute(
            text(
                "SELECT s.assessment_id, s.step FROM assessment_steps s "
                "JOIN assessments a ON a.id = s.assessment_id "
                "WHERE a.household_id = :h ORDER BY s.assessment_id, s.id"
            ),
            {"h": world["visited"]},
        ).all()
        if [tuple(row) for row in steps] != steps_won:
            problems.append(f"steps: stored {[tuple(r) for r in steps]}, won {steps_won}")
    engine.dispose()
    return {
        "supports_acknowledged": sum(len(v) for v in acked_by_agency.values()),
        "supports_stored": stored_supports,
        "visits_acknowledged": len(visits_acked),
        "visits_stored": sum(markers.values()),
        "steps_won": sum(1 for _, step in steps_won if step != "created"),
        "steps_stored": sum(1 for _, step in steps if step != "created"),
        "problems": problems,
    }


def run(
    database_url: str,
    *,
    records: int = 20_000,
    clients: int = 20,
    workers: int = 4,
    kills: int = 1,
    visits: int = 400,
    review_years: int = 6,
    seed_value: int = 2026,
    log: Path | None = None,
) -> dict:
    """The whole experiment on a migrated, empty database; returns the figures."""
    log = log or Path(os.environ.get("TMPDIR", "/tmp")) / f"crash-load-{os.getpid()}.log"
    server = Server(database_url, free_port(), workers, log)
    try:
        return _run(server, database_url, records, clients, kills, visits, review_years, seed_value)
    finally:
        server.stop()


def _run(server, database_url, records, clients, kills, visits, review_years, seed_value):
    stats = Stats()
    started = time.monotonic()
    first_start = server.start()
    world = seed(database_url, server.base_url, households=50)
    rng = random.Random(seed_value)
    acked_by_agency: dict[str, dict[str, int]] = {a["id"]: {} for a in world["agencies"]}
    threads = []
    for c in range(clients):
        agency = world["agencies"][c % AGENCIES]
        refs = [f"C{c:02d}-{i:06d}" for i in range(c, records, clients)]
        args = (
            server.base_url,
            agency["key"],
            agency["policy"],
            world["households"],
            refs,
            acked_by_agency[agency["id"]],
            stats,
            random.Random(rng.random()),
        )
        threads.append(threading.Thread(target=support_client, args=args, daemon=True))
    visits_acked: list[str] = []
    officers = 4
    for o in range(officers):
        args = (
            server.base_url,
            world["admin"],
            world["visited"],
            world["person"],
            visits // officers,
            visits_acked,
            stats,
            random.Random(rng.random()),
            f"officer{o}",
        )
        threads.append(threading.Thread(target=visit_client, args=args, daemon=True))
    steps_won: list[tuple[str, str]] = []
    reviews_done = threading.Event()
    years = list(YEARS)[:review_years]
    threads.append(
        threading.Thread(
            target=review_races,
            args=(server.base_url, world["admin"], world["visited"], years, steps_won, stats),
            kwargs={"done": reviews_done},
            daemon=True,
        )
    )
    load_started = time.monotonic()
    for thread in threads:
        thread.start()
    kill_log = []
    for k in range(1, kills + 1):
        target = records * k // (kills + 1)
        while stats.counts["records acknowledged"] < target:
            if not any(t.is_alive() for t in threads):
                break
            time.sleep(0.01)
        at = stats.counts["records acknowledged"]
        server.kill()
        killed = time.monotonic()
        restart = server.start()
        kill_log.append(
            {
                "after_records": at,
                "at_seconds": round(killed - load_started, 1),
                "restart_seconds": round(restart, 1),
                "downtime_seconds": round(time.monotonic() - killed, 1),
            }
        )
    for thread in threads:
        thread.join()
    load_seconds = time.monotonic() - load_started
    server.stop()
    workers = server.workers
    log = server.log
    result = verify(database_url, world, acked_by_agency, visits_acked, steps_won)
    result.update(
        {
            "records": records,
            "clients": clients,
            "workers": workers,
            "kills": kill_log,
            "load_seconds": round(load_seconds, 1),
            "total_seconds": round(time.monotonic() - started, 1),
            "first_start_seconds": round(first_start, 1),
            "requests": dict(sorted(stats.counts.items())),
            "server_log": str(log),
        }
    )
    result["ok"] = not result["problems"] and reviews_done.is_set()
    return result


def fresh_database(name: str) -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kills", type=int, default=1)
    parser.add_argument("--visits", type=int, default=400)
    parser.add_argument("--review-years", type=int, default=6)
    parser.add_argument("--bounded", action="store_true", help="the CI form: 300 records")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    if args.bounded:
        args.records, args.workers, args.visits, args.review_years = 300, 2, 40, 2
    name = f"gn_crash_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = fresh_database(name)
    try:
        upgrade(url)
        result = run(
            url,
            records=args.records,
            clients=args.clients,
            workers=args.workers,
            kills=args.kills,
            visits=args.visits,
            review_years=args.review_years,
        )
    finally:
        if not args.keep:
            drop_database(name)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
