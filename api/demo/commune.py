"""`giamngheo demo`: a small demo commune with hamlets, households, members and officers."""

import random
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from api.auth.passwords import Passwords
from api.auth.principal import SYSTEM
from api.demo import names
from api.households.schemas import HouseholdCreate, MemberCreate
from api.households.service import create_household
from api.models import Place, User, UserPlace
from api.places.schemas import PlaceCreate
from api.places.service import create_place
from api.settings import Settings

DEMO_PASSWORD = "giamngheo-demo"
PROVINCE_CODE = "DEMO-TV"
HAMLETS = ("Ấp Sóc Kha", "Ấp Trà Mẹt", "Ấp Ô Tưng", "Ấp Chông Nô")
HOUSEHOLDS_PER_HAMLET = 15


@dataclass
class _Person:
    name: str
    gender: str


def load_demo_commune(engine: Engine, *, settings: Settings, seed: int) -> str:
    """Create the demo once (a second run changes nothing); returns how to log in."""
    with Session(engine, expire_on_commit=False) as session:
        existing = session.exec(select(Place).where(Place.code == PROVINCE_CODE)).first()
        if existing is None:
            commune = _build_places(session)
            _build_households(session, commune, random.Random(seed))
            _build_users(session, settings, commune)
            session.commit()
            done = "Demo commune loaded."
        else:
            done = "Demo commune already loaded; nothing changed."
    return done + "\n" + _login_help(settings)


def _build_places(session: Session) -> Place:
    province = create_place(
        session,
        principal=SYSTEM,
        data=PlaceCreate(code=PROVINCE_CODE, name="Trà Vinh (demo)", level="province"),
    )
    district = create_place(
        session,
        principal=SYSTEM,
        data=PlaceCreate(code="DEMO-TV-CK", name="Cầu Kè", level="district", parent_id=province.id),
    )
    commune = create_place(
        session,
        principal=SYSTEM,
        data=PlaceCreate(
            code="DEMO-TV-CK-HA",
            name="Hòa Ân",
            level="commune",
            parent_id=district.id,
            area="rural",
        ),
    )
    for index, name in enumerate(HAMLETS, start=1):
        create_place(
            session,
            principal=SYSTEM,
            data=PlaceCreate(
                code=f"DEMO-TV-CK-HA-{index:02d}", name=name, level="hamlet", parent_id=commune.id
            ),
        )
    return commune


def _person(rng: random.Random, *, khmer: bool, gender: str, family: str | None = None) -> _Person:
    if khmer:
        family = family or rng.choice(names.KHMER_FAMILY).split()[0]
        middle = "Thị " if gender == "female" else ""
        return _Person(f"{family} {middle}{rng.choice(names.KHMER_GIVEN)}", gender)
    family = family or rng.choice(names.KINH_FAMILY)
    middles = names.KINH_MIDDLE_FEMALE if gender == "female" else names.KINH_MIDDLE_MALE
    return _Person(f"{family} {rng.choice(middles)} {rng.choice(names.KINH_GIVEN)}", gender)


def _citizen_id(rng: random.Random, birth_year: int, gender: str, used: set[str]) -> str:
    century_sex = (birth_year // 100 - 19) * 2 + (1 if gender == "female" else 0)
    while True:
        value = f"084{century_sex}{birth_year % 100:02d}{rng.randrange(10**6):06d}"
        if value not in used:
            used.add(value)
            return value


def _build_households(session: Session, commune: Place, rng: random.Random) -> None:
    hamlets = session.exec(
        select(Place).where(Place.parent_id == commune.id).order_by(Place.code)
    ).all()
    used_ids: set[str] = set()
    number = 0
    for hamlet in hamlets:
        for _ in range(HOUSEHOLDS_PER_HAMLET):
            number += 1
            khmer = rng.random() < 0.45
            head = _person(rng, khmer=khmer, gender=rng.choice(("male", "male", "female")))
            family = head.name.split()[0]
            head_year = rng.randrange(1950, 1995)
            members = [_member(rng, head, "head", head_year, khmer, used_ids)]
            if rng.random() < 0.8:
                spouse_gender = "female" if head.gender == "male" else "male"
                spouse = _person(rng, khmer=khmer, gender=spouse_gender)
                members.append(
                    _member(
                        rng, spouse, "spouse", head_year + rng.randrange(-3, 5), khmer, used_ids
                    )
                )
            for _child in range(rng.randrange(0, 4)):
                gender = rng.choice(("male", "female"))
                child = _person(rng, khmer=khmer, gender=gender, family=family)
                members.append(
                    _member(rng, child, "child", head_year + rng.randrange(20, 35), khmer, used_ids)
                )
            create_household(
                session,
                principal=SYSTEM,
                data=HouseholdCreate(
                    code=f"HA-{number:04d}",
                    place_id=hamlet.id,
                    head_name=head.name,
                    ethnicity="khmer" if khmer else "kinh",
                    address=f"Tổ {rng.randrange(1, 9)}, {hamlet.name}, xã Hòa Ân",
                    phone=f"09{rng.randrange(10**8):08d}" if rng.random() < 0.7 else None,
                    meritorious_service=rng.random() < 0.05,
                    social_protection=rng.random() < 0.1,
                    members=members,
                ),
            )


def _member(rng, person: _Person, relation: str, birth_year: int, khmer: bool, used_ids):
    birth_year = min(birth_year, 2024)
    adult = birth_year <= 2008
    return MemberCreate(
        full_name=person.name,
        gender=person.gender,
        birth_year=birth_year,
        relation=relation,
        ethnicity="khmer" if khmer else "kinh",
        citizen_id=_citizen_id(rng, birth_year, person.gender, used_ids) if adult else None,
        education_level=rng.choice(("primary", "lower_secondary", "upper_secondary")),
        in_school=not adult,
        has_health_insurance=rng.random() < 0.85,
        can_work=adult and birth_year >= 1960,
        disability=rng.random() < 0.04,
    )


def _build_users(session: Session, settings: Settings, commune: Place) -> None:
    """Demo accounts with a published password: development only."""
    if settings.env != "development":
        return
    passwords = Passwords(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_cost
    )
    for username, full_name, role, places in (
        ("admin", "Quản trị viên (demo)", "admin", ()),
        ("canbo.hoaan", "Trần Thị Lan (cán bộ xã Hòa Ân)", "commune_officer", (commune.id,)),
    ):
        if session.exec(select(User).where(User.username == username)).first():
            continue
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            password_hash=passwords.hash(DEMO_PASSWORD),
        )
        session.add(user)
        session.flush()
        session.add_all(UserPlace(user_id=user.id, place_id=pid) for pid in places)


def _login_help(settings: Settings) -> str:
    if settings.env != "development":
        return "No demo accounts outside development: use `giamngheo create-admin`."
    return (
        "Log in at http://127.0.0.1:8000/ as `admin` (administrator) or `canbo.hoaan` "
        f"(commune officer of Hòa Ân), password `{DEMO_PASSWORD}`."
    )
