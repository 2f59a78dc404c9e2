"""The demo district's places, households and members, generated from a seed."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from api.core.text import fold
from api.demo import district_names as names
from api.demo.plan import Life
from api.demo.writer import Ids, Weighted, at, folded

PROVINCE_CODE = "DEMO-TV"
DISTRICT_CODE = "DEMO-TV-CK"
DIGITISED_ON = date(2016, 1, 15)  # the paper register was entered on this day
PLANTED_HOUSEHOLD_DUPLICATES = 12
PLANTED_MEMBER_DUPLICATES = 8


@dataclass
class Commune:
    id: str
    code: str
    suffix: str
    name: str
    level: str
    area: str
    path: str
    hamlets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Home:
    """One household and everything the demo gives it; rows are built from it when written."""

    id: str
    life: Life
    commune: Commune
    hamlet: dict[str, Any]
    ethnicity: str
    registered_on: date
    members: list[tuple] = field(default_factory=list)
    code: str = ""
    head_name: str = ""
    address: str = ""
    phone: str | None = None
    meritorious: bool = False
    social_protection: bool = False
    reviews: list[Any] = field(default_factory=list)
    status: str = "unclassified"
    status_since: date | None = None
    without_labour_capacity: bool = False
    version: int = 1
    open_needs: dict[str, dict[str, Any]] = field(default_factory=dict)
    needs: list[dict[str, Any]] = field(default_factory=list)
    last_visit: tuple[date, date | None] | None = None
    shocks: list[tuple[str, date]] = field(default_factory=list)
    next_visit_due_on: date | None = None
    risk: Any = None
    risk_as_of: date | None = None

    @property
    def created_at(self):
        return at(max(self.registered_on, DIGITISED_ON), 8)

    def able_to_work(self) -> int:
        return sum(1 for m in self.members if m[9])


def place_row(ids: Ids, code, name, level, parent=None, area=None) -> dict[str, Any]:
    place_id = ids("pl")
    path = (parent["path"] if parent else "/") + f"{place_id}/"
    created = at(DIGITISED_ON, 7)
    return {
        "id": place_id,
        "code": code,
        "name": name,
        "name_search": folded(name),
        "level": level,
        "parent_id": parent["id"] if parent else None,
        "path": path,
        "area": area,
        "valid_from": None,
        "valid_to": None,
        "merged_into_id": None,
        "created_at": created,
        "updated_at": created,
        "version": 1,
    }


def build_places(ids: Ids) -> tuple[list[dict[str, Any]], list[Commune]]:
    province = place_row(ids, PROVINCE_CODE, "Trà Vinh (demo)", "province")
    district = place_row(ids, DISTRICT_CODE, "Cầu Kè", "district", province)
    rows, communes = [province, district], []
    for suffix, name, level, area, *_, hamlets in names.COMMUNES:
        row = place_row(ids, f"{DISTRICT_CODE}-{suffix}", name, level, district, area)
        rows.append(row)
        commune = Commune(row["id"], row["code"], suffix, name, level, area, row["path"])
        hamlet_level = "quarter" if level == "town" else "hamlet"
        for index, hamlet_name in enumerate(hamlets, start=1):
            hamlet = place_row(ids, f"{row['code']}-{index:02d}", hamlet_name, hamlet_level, row)
            rows.append(hamlet)
            commune.hamlets.append(hamlet)
        communes.append(commune)
    return rows, communes


class People:
    """Names, birth years and citizen IDs; a name and birth year are unique per commune."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[tuple[str, str, int]] = set()
        self.citizen_ids: set[str] = set()

    def name(self, ethnicity: str, gender: str, family: str | None = None) -> str:
        rng, female = self.rng, gender == "female"
        if ethnicity == "khmer":
            family = family or rng.choice(names.KHMER_FAMILY)
            given = rng.choice(names.KHMER_GIVEN_FEMALE if female else names.KHMER_GIVEN_MALE)
            return f"{family} {'Thị ' if female and rng.random() < 0.6 else ''}{given}"
        if ethnicity == "hoa":
            family = family or rng.choice(names.HOA_FAMILY)
            middle = rng.choice(names.HOA_MIDDLE_FEMALE if female else names.HOA_MIDDLE_MALE)
            given = rng.choice(names.HOA_GIVEN_FEMALE if female else names.HOA_GIVEN_MALE)
            return f"{family} {middle} {given}"
        family = family or rng.choice(names.KINH_FAMILY)
        middle = rng.choice(names.KINH_MIDDLE_FEMALE if female else names.KINH_MIDDLE_MALE)
        given = rng.choice(names.KINH_GIVEN_FEMALE if female else names.KINH_GIVEN_MALE)
        return f"{family} {middle} {given}"

    def unique_name(self, commune: str, ethnicity, gender, year, family=None) -> str:
        for _ in range(40):
            name = self.name(ethnicity, gender, family)
            key = (commune, folded(name), year)
            if key not in self.taken:
                self.taken.add(key)
                return name
            family = None  # a child may take another family name (the mother's) if need be
        return name

    def citizen_id(self, birth_year: int, gender: str) -> str:
        century_sex = (birth_year // 100 - 19) * 2 + (1 if gender == "female" else 0)
        province = "084" if self.rng.random() < 0.92 else self.rng.choice(("094", "086", "083"))
        while True:
            value = f"{province}{century_sex}{birth_year % 100:02d}{self.rng.randrange(10**6):06d}"
            if value not in self.citizen_ids:
                self.citizen_ids.add(value)
                return value


EDUCATION = ("none", "primary", "lower_secondary", "upper_secondary", "vocational")
EDUCATION_PICK = Weighted(EDUCATION, (6, 30, 35, 22, 7))
SIZE_PICK = Weighted((1, 2, 3, 4, 5, 6, 7), (6, 14, 22, 26, 18, 9, 5))


def _member(ids, people, home, relation, gender, year, family=None) -> tuple:
    rng = people.rng
    name = people.unique_name(home.commune.id, home.ethnicity, gender, year, family)
    age = 2018 - year
    adult = age >= 18
    citizen = people.citizen_id(year, gender) if adult and rng.random() < 0.7 else None
    disability = rng.random() < 0.03
    can_work = 15 <= age < 60 and not disability
    in_school = True if 6 <= age < 15 else (rng.random() < 0.5 if 15 <= age < 19 else False)
    if age < 6:
        education = None
    elif age < 15:
        education = "primary"
    else:
        education = EDUCATION_PICK(rng)
    insured = rng.random() < 0.85
    return (
        ids("mb"),
        name,
        gender,
        year,
        relation,
        citizen,
        education,
        in_school,
        insured,
        can_work,
        disability,
    )


def build_members(ids: Ids, people: People, home: Home) -> None:
    """A head, maybe a spouse, children and a parent; poor homes include elderly people alone."""
    rng = people.rng
    poor_ever = "poor" in home.life.statuses
    if poor_ever and rng.random() < 0.09:  # elderly people living alone or as a couple
        head_year = rng.randrange(1928, 1952)
        size = rng.choice((1, 1, 2))
    else:
        head_year = rng.randrange(1950, 1993)
        size = SIZE_PICK(rng)
    gender = "male" if rng.random() < 0.74 else "female"
    head = _member(ids, people, home, "head", gender, head_year)
    home.members.append(head)
    home.head_name = head[1]
    family = head[1].split()[0]
    if size >= 2 and rng.random() < 0.88:
        other = "female" if gender == "male" else "male"
        home.members.append(
            _member(ids, people, home, "spouse", other, head_year + rng.randrange(-4, 6))
        )
    while len(home.members) < size:
        if head_year < 1965 and rng.random() < 0.3:
            relation, year = "grandchild", min(2016, head_year + rng.randrange(42, 60))
        elif head_year > 1975 and rng.random() < 0.15 and len(home.members) == size - 1:
            relation, year = "parent", head_year - rng.randrange(22, 32)
        else:
            relation, year = "child", min(2017, head_year + rng.randrange(19, 40))
        child_gender = rng.choice(("male", "female"))
        keep = family if relation in ("child", "grandchild") else None
        home.members.append(_member(ids, people, home, relation, child_gender, year, keep))


def registered_on(rng: random.Random, life: Life) -> date:
    first = life.first_year
    if first == 2016:
        return date(1990, 1, 1) + timedelta(
            days=rng.randrange((date(2015, 12, 31) - date(1990, 1, 1)).days)
        )
    return date(first, 1, 2) + timedelta(days=rng.randrange(240))


def build_homes(
    ids: Ids, rng: random.Random, plan: list[Life], communes: list[Commune]
) -> list[Home]:
    """Place every planned household in a commune and hamlet, with its members."""
    people = People(rng)
    weights = {}
    for khmer in (True, False):
        for needy in (True, False):
            weights[khmer, needy] = Weighted(
                communes,
                [(c[4] if khmer else c[5]) * (c[6] if needy else 1.0) for c in names.COMMUNES],
            )
    lives = list(plan)
    rng.shuffle(lives)
    homes = []
    for life in lives:
        needy = any(s in ("poor", "near_poor") for s in life.statuses)
        commune = weights[life.khmer, needy](rng)
        if life.khmer:
            ethnicity = "khmer"
        else:
            hoa_share = 0.12 if commune.area == "urban" else 0.015
            ethnicity = "hoa" if rng.random() < hoa_share else "kinh"
        home = Home(
            id=ids("hh"),
            life=life,
            commune=commune,
            hamlet=rng.choice(commune.hamlets),
            ethnicity=ethnicity,
            registered_on=registered_on(rng, life),
        )
        build_members(ids, people, home)
        home.meritorious = rng.random() < 0.03
        home.social_protection = rng.random() < (0.12 if home.able_to_work() == 0 else 0.04)
        home.phone = f"09{rng.randrange(10**8):08d}" if rng.random() < 0.7 else None
        homes.append(home)
    _number(rng, homes)
    _plant_duplicates(ids, rng, homes)
    return homes


def _number(rng: random.Random, homes: list[Home]) -> None:
    """Codes per hamlet in registration order, e.g. HA-03-0127; addresses by group (tổ)."""
    by_hamlet: dict[str, list[Home]] = {}
    for home in homes:
        by_hamlet.setdefault(home.hamlet["id"], []).append(home)
    for hamlet_homes in by_hamlet.values():
        hamlet_homes.sort(key=lambda h: (h.registered_on, h.id))
        for number, home in enumerate(hamlet_homes, start=1):
            hamlet_no = home.hamlet["code"].rsplit("-", 1)[1]
            home.code = f"{home.commune.suffix}-{hamlet_no}-{number:04d}"
            kind = "xã" if home.commune.level == "commune" else ""
            where = f"{kind} {home.commune.name}".strip()
            home.address = f"Tổ {rng.randrange(1, 13)}, {home.hamlet['name']}, {where}"


def _plant_duplicates(ids: Ids, rng: random.Random, homes: list[Home]) -> None:
    """Households entered twice (the same head in two hamlets of a commune) and people
    listed in two households: what the duplicates list shows an officer to merge."""
    stable = [h for h in homes if set(h.life.statuses) <= {"average", "not_poor"}]
    by_commune: dict[tuple[str, str], list[Home]] = {}
    for home in stable:  # a pair shares a commune and an ethnicity
        by_commune.setdefault((home.commune.id, home.ethnicity), []).append(home)
    pairs = [group for group in by_commune.values() if len(group) >= 4]
    for index in range(PLANTED_HOUSEHOLD_DUPLICATES):
        group = pairs[index % len(pairs)]
        original, copy = rng.sample(group, 2)
        head = original.members[0]
        copy.members[0] = (copy.members[0][0], head[1], head[2], head[3], "head", None, *head[6:])
        copy.head_name = head[1]
        group.remove(copy)
        group.remove(original)
    for index in range(PLANTED_MEMBER_DUPLICATES):
        group = pairs[(index + 3) % len(pairs)]
        source, target = rng.sample(group, 2)
        person = source.members[-1]
        target.members.append(
            (ids("mb"), person[1], person[2], person[3], "other", None, *person[6:])
        )


def household_row(home: Home) -> dict[str, Any]:
    updated = home.reviews[-1].decided_at if home.reviews else home.created_at
    risk = home.risk
    return {
        "id": home.id,
        "code": home.code,
        "commune_id": home.commune.id,
        "place_id": home.hamlet["id"],
        "place_path": home.hamlet["path"],
        "head_name": home.head_name,
        "ethnicity": home.ethnicity,
        "address": home.address,
        "phone": home.phone,
        "status": home.status,
        "status_since": home.status_since,
        "without_labour_capacity": home.without_labour_capacity,
        "meritorious_service": home.meritorious,
        "social_protection": home.social_protection,
        "notes": None,
        "archived_at": None,
        "archived_reason": None,
        "registered_on": home.registered_on,
        "merged_into_id": None,
        "next_visit_due_on": home.next_visit_due_on,
        "risk_score": risk.score if risk else None,
        "risk_reasons": [r.to_public() for r in risk.reasons] if risk else [],
        "risk_as_of": home.risk_as_of if risk else None,
        "search_text": fold(" ".join([home.code, home.head_name, *(m[1] for m in home.members)])),
        "created_at": home.created_at,
        "updated_at": updated,
        "version": home.version,
    }


MEMBER_KEYS = (
    "id",
    "full_name",
    "gender",
    "birth_year",
    "relation",
    "citizen_id",
    "education_level",
    "in_school",
    "has_health_insurance",
    "can_work",
    "disability",
)


def member_rows(homes: list[Home]):
    for home in homes:
        created = home.created_at
        for member in home.members:
            row = dict(zip(MEMBER_KEYS, member, strict=True))
            row.update(
                household_id=home.id,
                name_search=folded(row["full_name"])[:200],
                ethnicity=home.ethnicity,
                left_on=None,
                left_reason=None,
                created_at=created,
                updated_at=created,
                version=1,
            )
            yield row
