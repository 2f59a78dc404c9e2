"""`giamngheo demo`: a district of about 30,000 households in seven communes and a town that
reproduces the founding letter's figures (api/demo/plan.py), loaded in bulk.

Everything is generated in memory from the seed (ids included, see writer.py), as the services
would have recorded it over 2016-2018: households and members, reviews classified by the
engine with their life-cycle steps and status changes, needs, supports of six agencies,
people in charge with their assignments and visits, sponsors, the next due dates and early
warnings (the pure functions of api/visits and api/risk), a target and a few proposals. Then
it is written table by table with batched INSERTs in one transaction: all or nothing. The
audit trail gets one row, "demo loaded"; the change feed gets none (agencies' webhooks would
otherwise receive 30,000 households' history).
"""

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from api.audit.service import record_audit
from api.auth.passwords import Passwords
from api.auth.principal import SYSTEM
from api.core.dates import today_in_vietnam
from api.db import refresh_planner_statistics
from api.demo import agencies, followup, plan, registry, reviews
from api.demo.writer import FastRandom, Ids, at, write
from api.models import (
    Agency,
    Assessment,
    AssessmentStep,
    Assignment,
    Household,
    Member,
    Need,
    Person,
    Place,
    Policy,
    Proposal,
    Sponsor,
    Sponsorship,
    SponsorshipContribution,
    SponsorshipPledge,
    StatusChange,
    Support,
    Target,
    User,
    UserPlace,
    Visit,
)
from api.reports.counts_refresh import rebuild_all
from api.settings import Settings

DEMO_PASSWORD = "giamngheo-demo"
MARKER_CODE = f"{registry.DISTRICT_CODE}-TT"  # the town: only the district demo has it
SIZES = ("full", "small")


def load_demo_district(
    engine: Engine, *, settings: Settings, seed: int = 2018, size: str = "full"
) -> str:
    """Load the demo once (a second run changes nothing); returns what happened."""
    started = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        codes = set(
            session.exec(
                select(Place.code).where(Place.code.in_([registry.PROVINCE_CODE, MARKER_CODE]))
            )
        )
        if MARKER_CODE in codes:
            _users(session, settings, _commune_id(session))
            session.commit()
            return "Demo district already loaded; nothing changed.\n" + login_help(settings)
        if registry.PROVINCE_CODE in codes:
            return (
                "This database holds the older demo commune; the demo district needs an empty "
                "database (for SQLite: remove var/giamngheo.db and run `giamngheo demo` again)."
            )
        counts = write_district(session, build_district(seed, size), settings)
        session.commit()
    refresh_planner_statistics(engine)
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    return (
        f"Demo district loaded in {seconds:.1f} s ({size}, seed {seed}): {summary}.\n"
        + login_help(settings)
    )


def _commune_id(session: Session) -> str | None:
    code = f"{registry.DISTRICT_CODE}-HA"
    return session.exec(select(Place.id).where(Place.code == code)).first()


@dataclass
class District:
    """The whole demo, generated and not yet written."""

    seed: int
    size: str
    ids: Ids
    place_rows: list[dict[str, Any]]
    communes: list[registry.Commune]
    homes: list[registry.Home]
    agency_rows: list[dict[str, Any]]
    policy_rows: list[dict[str, Any]]
    supports: list[dict[str, Any]]
    person_rows: list[dict[str, Any]]
    field: followup.FieldWork
    sponsors: tuple

    @property
    def district(self) -> dict[str, Any]:
        return self.place_rows[1]


def build_district(seed: int = 2018, size: str = "full", today: date | None = None) -> District:
    """Generate the demo in memory (nothing touches a database)."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    rng, ids = FastRandom(seed), Ids(seed)
    lives = plan.lives(size)
    if size == "full":
        plan.check_letter(lives)
    place_rows, communes = registry.build_places(ids)
    homes = registry.build_homes(ids, rng, lives, communes)
    agency_rows, policy_rows, policies = agencies.agency_rows(ids)
    deliveries = agencies.Deliveries(ids, rng, policies)
    calendar = reviews.Calendar(rng, communes)
    reviews.review_homes(ids, rng, homes, calendar, during_year=deliveries.year)
    person_rows, by_hamlet = followup.person_rows(ids, registry.People(rng), communes, None)
    field = followup.FieldWork(ids, rng, by_hamlet)
    for home in homes:
        field.visit(home, field.assign(home))
    for home in homes:
        followup.derive(home, today or today_in_vietnam())
    sponsors = followup.sponsor_rows(ids, rng, place_rows[1], communes, homes, deliveries.rows)
    return District(
        seed,
        size,
        ids,
        place_rows,
        communes,
        homes,
        agency_rows,
        policy_rows,
        deliveries.rows,
        person_rows,
        field,
        sponsors,
    )


def write_district(session: Session, demo: District, settings: Settings) -> dict[str, int]:
    """Write the generated demo, table by table, in the session's transaction."""
    homes, ids = demo.homes, demo.ids
    counts = {"places": write(session, Place.__table__, demo.place_rows)}
    hoa_an = next(c for c in demo.communes if c.suffix == "HA")
    officer = _users(session, settings, hoa_an.id)
    persons = [
        {**row, "user_id": officer}
        if row["place_id"] == hoa_an.id and row["full_name"] == followup.OFFICER_NAME
        else row
        for row in demo.person_rows
    ]
    tables: list[tuple[str, Any, Any]] = [
        ("agencies", Agency, demo.agency_rows),
        ("policies", Policy, demo.policy_rows),
        ("households", Household, (registry.household_row(h) for h in homes)),
        ("members", Member, registry.member_rows(homes)),
        ("assessments", Assessment, reviews.assessment_rows(homes)),
        ("assessment steps", AssessmentStep, reviews.step_rows(homes)),
        ("status changes", StatusChange, reviews.change_rows(homes)),
        ("needs", Need, (need for home in homes for need in home.needs)),
        ("supports", Support, demo.supports),
        ("people in charge", Person, persons),
        ("assignments", Assignment, demo.field.assignments),
        ("visits", Visit, demo.field.visits),
        ("sponsors", Sponsor, demo.sponsors[0]),
        ("sponsorships", Sponsorship, demo.sponsors[1]),
        ("pledges", SponsorshipPledge, demo.sponsors[2]),
        ("sponsored gifts", SponsorshipContribution, demo.sponsors[3]),
        ("targets", Target, [_target(ids, demo.district)]),
        ("proposals", Proposal, _proposals(ids, demo.communes)),
    ]
    for name, model, rows in tables:
        counts[name] = write(session, model.__table__, rows)
    rebuild_all(session)  # the rows above bypassed the unit of work that keeps them
    record_audit(
        session,
        principal=SYSTEM,
        action="demo_loaded",
        entity="demo",
        entity_id=demo.district["id"],
        after={"seed": demo.seed, "size": demo.size, **counts},
        place_path=demo.district["path"],
    )
    session.flush()
    return counts


def _target(ids: Ids, district: dict[str, Any]) -> dict[str, Any]:
    created = at(date(2019, 3, 1), 9)
    return {
        "id": ids("tg"),
        "place_id": district["id"],
        "place_path": district["path"],
        "year": 2020,
        "kind": "poor",
        "max_rate_hundredths": 400,
        "source_note": "Công văn 4933/UBND-VX: phấn đấu đến cuối năm 2020 tỷ lệ hộ nghèo "
        "toàn huyện còn khoảng 4%",
        "created_by": "system",
        "created_at": created,
        "updated_at": created,
        "version": 1,
    }


PROPOSALS = (
    ("HA", "Hỗ trợ bò giống cho hộ nghèo Khmer ấp Sóc Kha", "livelihood", 450_000_000),
    ("HA", "Nâng cấp đường đal ấp Trà Mẹt (Chương trình 135)", "infrastructure", 1_200_000_000),
    ("CD", "Lắp đồng hồ nước sạch cho 120 hộ nghèo, cận nghèo", "water_sanitation", 360_000_000),
    ("TT", "Mở lớp dạy nghề may cho lao động nghèo", "vocational_training", 150_000_000),
    ("NT", "Truyền thông gương điển hình thoát nghèo", "communication", 40_000_000),
)


def _proposals(ids: Ids, communes) -> list[dict[str, Any]]:
    by_suffix = {c.suffix: c for c in communes}
    rows = []
    for index, (suffix, title, category, budget) in enumerate(PROPOSALS):
        commune = by_suffix[suffix]
        created = at(date(2019, 3, 10 + index), 9)
        submitted = index % 2 == 0
        rows.append(
            {
                "id": ids("prp"),
                "title": title,
                "place_id": commune.id,
                "place_path": commune.path,
                "agency_id": None,
                "year": 2020,
                "category": category,
                "budget_vnd": budget,
                "justification": "Đề xuất theo Công văn 4933/UBND-VX, giai đoạn 2019-2020.",
                "state": "submitted" if submitted else "draft",
                "submission_id": None,
                "decision_note": None,
                "created_by": "system",
                "submitted_by": "system" if submitted else None,
                "submitted_at": created if submitted else None,
                "created_at": created,
                "updated_at": created,
                "version": 2 if submitted else 1,
            }
        )
    return rows


def _users(session: Session, settings: Settings, commune_id: str | None) -> str | None:
    """The demo accounts, with a published password: development only. Returns the commune
    officer's user id (for their person-in-charge record)."""
    if settings.env != "development" or commune_id is None:
        return None
    passwords = Passwords(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_cost
    )
    officer_id = None
    for username, full_name, role, places in (
        ("admin", "Quản trị viên (demo)", "admin", ()),
        ("canbo.hoaan", "Trần Thị Lan (cán bộ xã Hòa Ân)", "commune_officer", (commune_id,)),
    ):
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                role=role,
                password_hash=passwords.hash(DEMO_PASSWORD),
            )
            session.add(user)
            session.flush()
            session.add_all(UserPlace(user_id=user.id, place_id=pid) for pid in places)
            session.flush()
        if places:
            officer_id = user.id
    return officer_id


def login_help(settings: Settings) -> str:
    if settings.env != "development":
        return "No demo accounts outside development: use `giamngheo create-admin`."
    return (
        "Log in at http://127.0.0.1:8000/ as `admin` (administrator) or `canbo.hoaan` "
        f"(commune officer of Hòa Ân), password `{DEMO_PASSWORD}`. The letter's figures: "
        "/api/v1/reports/poverty-rate?year=2016 and ?year=2018 (add &by=ethnicity)."
    )
