"""A province-sized dataset, generated as streams straight into PostgreSQL COPY.

    .venv/bin/python bench/generate_province.py --size small|province [--database-url URL]

`province` is Trà Vinh's size (domain.md §6): 300,000 households and 1.1 million members in
about 900 places, five years of recognised annual reviews (2021-2025, each with its status
change), 3 million support records from eight agencies, 1 million visits, the people in
charge and their assignments, open and met needs. `small` is the same shape at 10,000
households, for a run of about a minute.

Every row keeps the invariants the API relies on, so the real endpoints work on the data:
place paths, the households' place_path, commune_id and search_text (api.core.text.fold of
code, head and member names), classifications computed by the standards engine, status
changes in order with their transitions (api.standards.yearly_transition) and the household's
current status from the latest one, needs opened from the deprivations of needy reviews,
the stored next visit due date and re-poverty risk computed by the app's own pure functions
(api.visits.schedule.next_due, api.risk.scoring.assess). Not generated: the audit trail and
the event outbox of these five years, and the reviews' life-cycle steps.

Rows go through one COPY per table, all open at once on their own connections, while the
households are generated one after the other: memory stays flat whatever the size. Indexes
and unique constraints of the big tables are dropped first and rebuilt after the load, and
foreign-key triggers are off during the COPY (the generator keeps the references right).
"""

import argparse
import functools
import json
import random
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import psycopg
from sqlalchemy import create_engine
from sqlmodel import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.core.dates import today_in_vietnam  # noqa: E402
from api.core.text import fold  # noqa: E402
from api.households.ethnicities import is_ethnic_minority  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.reports.counts_refresh import rebuild_all  # noqa: E402
from api.risk.scoring import ESCAPES, RiskFacts, assess  # noqa: E402
from api.risk.weights import load_weights  # noqa: E402
from api.standards import (  # noqa: E402
    classify,
    indicator_need_categories,
    standard_for_year,
    yearly_transition,
)
from api.visits.schedule import ScheduleFacts, next_due  # noqa: E402
from bench.server import create_database, libpq_url  # noqa: E402


@dataclass(frozen=True)
class Size:
    name: str
    households: int
    districts: int
    communes_per_district: int
    hamlets_per_commune: int
    members: int
    supports: int
    visits: int
    persons_per_commune: int = 15


SIZES = {
    "small": Size("small", 10_000, 2, 2, 4, 36_700, 100_000, 33_000, 8),
    "province": Size("province", 300_000, 9, 11, 8, 1_100_000, 3_000_000, 1_000_000),
}
YEARS = (2021, 2022, 2023, 2024, 2025)
TODAY = today_in_vietnam()
BIG_TABLES = (
    "households",
    "members",
    "assessments",
    "status_changes",
    "needs",
    "supports",
    "visits",
    "persons",
    "assignments",
)
COUNT_TABLES = ("report_status_counts", "report_transition_counts")

# -- ids: the app's ULID layout (api.models.base.new_id), encoded at C speed -------------------

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> 2 characters


class Ids:
    """Strictly increasing ids, all below the ones the app will create after the load: the
    time and random part is fixed, the last 40 bits count."""

    def __init__(self) -> None:
        value = ((int(time.time() * 1000) - 60_000) << 80) | (random.getrandbits(40) << 40)
        chars = []
        for _ in range(26):
            value, index = divmod(value, 32)
            chars.append(_CROCKFORD[index])
        self.head = "".join(reversed(chars))[:18]
        self.count = 0

    def __call__(self, prefix: str) -> str:
        self.count += 1
        c, p = self.count, _PAIRS
        return f"{prefix}_{self.head}{p[c >> 30]}{p[(c >> 20) & 1023]}{p[(c >> 10) & 1023]}{p[c & 1023]}"


# -- names -------------------------------------------------------------------------------------


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


KINH_FAMILY = _names(
    "Nguyễn, Trần, Lê, Phạm, Huỳnh, Võ, Đặng, Bùi, Đỗ, Trương, Phan, Ngô, Dương, Lý, Hồ, Đoàn, "
    "Lâm, Mai, Tô, Châu"
)
KINH_MIDDLE = {
    "male": _names("Văn, Hữu, Minh, Thanh, Công, Quốc, Đức"),
    "female": _names("Thị, Ngọc, Thu, Kim, Mỹ, Thanh"),
}
KINH_GIVEN = _names(
    "An, Bình, Cường, Dũng, Hà, Hạnh, Hùng, Lan, Long, Mai, Nam, Nga, Phúc, Quý, Sơn, Tâm, Thảo, "
    "Tuấn, Vân, Yến, Khoa, Hiếu, Trang, Nhung, Phương, Tài, Lộc, Hòa, Thắng, Quang, Linh, Hương, "
    "Đạt, Khánh, Nhân, Oanh, Thịnh, Trí, Uyên, Xuân"
)
KHMER_FAMILY = _names("Thạch, Sơn, Kim, Danh, Lâm, Trà, Kiên, Triệu")
KHMER_GIVEN = _names(
    "Sa Rinh, Phước, Sô Phênh, Sa Vone, Chanh, Rươne, Sóc, Thol, Sa Ry, Chum, Kha, Sa Mây, Na, "
    "Pha, Ly, Sa Ven, Huol, Sóc Khum, Mết"
)
HOA_FAMILY = _names("Lý, Trương, Quách, Lưu, Tăng, Hứa, Mã, Diệp")
HOA_GIVEN = _names("Khải, Huệ, Minh, Phát, Tường, Vinh, Mỹ Linh, Hồng")
DISTRICTS = _names(
    "Càng Long, Cầu Kè, Tiểu Cần, Châu Thành, Cầu Ngang, Trà Cú, Duyên Hải, "
    "Thành phố Trà Vinh, Thị xã Duyên Hải"
)
COMMUNE_WORDS = _names(
    "Hòa, An, Phong, Thạnh, Tân, Long, Phước, Hưng, Mỹ, Đại, Nhị, Trường, Lợi, Bình, Hiệp, Ngãi, "
    "Xuân, Đôn, Kim, Sơn"
)
HAMLET_WORDS = _names("Sóc, Chợ, Giồng, Bưng, Kinh, Rạch, Cây, Bến, Trà, Ô")
EDUCATION = ("none", "primary", "lower_secondary", "upper_secondary", "vocational", "university")
ORGANISATIONS = (
    "commune_staff",
    "womens_union",
    "farmers_union",
    "youth_union",
    "veterans_association",
    "fatherland_front",
    "party_cell",
)
SHOCK_CODES = ("illness", "death_of_worker", "disaster", "fire", "crop_livestock_loss", "job_loss")
PURPOSES = ("survey", "advice", "follow_up", "re_poverty_check", "support_delivery")
# (agency code, name, kind, [(policy code, name, category, unit, funding source)])
AGENCIES = (
    (
        "NHCSXH",
        "Ngân hàng Chính sách xã hội",
        "social_policy_bank",
        [
            ("VAY-HN", "Cho vay hộ nghèo", "credit", "loan", "policy_credit"),
            ("VAY-CN", "Cho vay hộ cận nghèo", "credit", "loan", "policy_credit"),
            ("VAY-NS", "Cho vay nước sạch", "water_sanitation", "loan", "policy_credit"),
        ],
    ),
    (
        "BHXH",
        "Bảo hiểm xã hội tỉnh",
        "social_security",
        [
            ("THE-BHYT", "Thẻ bảo hiểm y tế", "health", "card", "state_budget"),
            ("BHYT-CN", "Hỗ trợ mua BHYT hộ cận nghèo", "health", "vnd", "state_budget"),
        ],
    ),
    (
        "SGDDT",
        "Sở Giáo dục và Đào tạo",
        "education",
        [
            ("MIEN-HP", "Miễn giảm học phí", "education", "vnd", "state_budget"),
            ("HT-CPHT", "Hỗ trợ chi phí học tập", "education", "vnd", "state_budget"),
        ],
    ),
    (
        "SLDTBXH",
        "Sở Lao động - Thương binh và Xã hội",
        "labour",
        [
            ("DT-NGHE", "Đào tạo nghề ngắn hạn", "vocational_training", "course", "ntp_subproject"),
            ("TIEN-DIEN", "Hỗ trợ tiền điện", "electricity", "vnd", "state_budget"),
            ("TG-XH", "Trợ cấp xã hội hằng tháng", "social_assistance", "vnd", "state_budget"),
        ],
    ),
    (
        "SNNPTNT",
        "Sở Nông nghiệp",
        "agriculture",
        [("SINH-KE", "Hỗ trợ con giống, vật tư", "livelihood", "item", "program_135")],
    ),
    (
        "SXD",
        "Sở Xây dựng",
        "construction",
        [("NHA-O", "Hỗ trợ xây nhà ở", "housing", "vnd", "ntp_subproject")],
    ),
    (
        "MTTQ",
        "Ủy ban Mặt trận Tổ quốc tỉnh",
        "fatherland_front",
        [
            ("NHA-DD", "Nhà Đại đoàn kết", "housing", "vnd", "social_mobilisation"),
            ("QUA-TET", "Quà Tết", "social_mobilisation", "vnd", "social_mobilisation"),
        ],
    ),
    (
        "TGPL",
        "Trung tâm Trợ giúp pháp lý",
        "legal_aid",
        [("TGPL", "Trợ giúp pháp lý miễn phí", "legal_aid", "item", "state_budget")],
    ),
)
BENCH_AGENCY, BENCH_POLICY = "NHCSXH", "VAY-HN"
LOAN_SCHEMA = {
    "type": "object",
    "properties": {
        "term_months": {"type": "integer", "minimum": 1},
        "interest_rate": {"type": "number"},
    },
    "required": ["term_months"],
}

# -- columns of each COPY ----------------------------------------------------------------------

COLUMNS = {
    "places": "id code name name_search level parent_id path area created_at updated_at version",
    "households": "id code commune_id place_id place_path head_name ethnicity address phone status "
    "status_since without_labour_capacity meritorious_service social_protection registered_on "
    "next_visit_due_on risk_score risk_reasons risk_as_of search_text created_at updated_at version",
    "members": "id household_id full_name name_search gender birth_year relation ethnicity "
    "citizen_id education_level in_school has_health_insurance can_work disability left_on "
    "left_reason created_at updated_at version",
    "assessments": "id household_id place_path year kind standard_code area income_per_capita "
    "deprivations deprivation_count members_count able_to_work_count classification "
    "poverty_line reasons state survey_date meeting_attendees meeting_agreeing posted_on "
    "decision_number decision_date effective_date created_at updated_at version",
    "status_changes": "id household_id assessment_id place_path year kind effective_date "
    "previous_status new_status transition without_labour_capacity ethnic_minority "
    "meritorious_service recognised_at",
    "needs": "id household_id place_path category source assessment_id indicator_code status "
    "closed_reason opened_at closed_at updated_at version",
    "supports": "id agency_id policy_id household_id category delivered_on amount_vnd quantity "
    "funding_source status external_ref attributes recorded_by_kind recorded_by_id created_at "
    "updated_at version",
    "visits": "id household_id place_path visitor_id visited_on purpose living_conditions "
    "income_change shocks household_plan risk_rating need_ids next_visit_on notes created_at "
    "version",
    "persons": "id full_name name_search organisation position party_member phone place_id "
    "place_path is_active created_at updated_at version",
    "assignments": "id household_id person_id place_path start_date reason created_at updated_at "
    "version",
    "agencies": "id code name kind is_active created_at updated_at version",
    "policies": "id agency_id code name category unit eligible_statuses required_flags "
    "default_funding_source attributes_schema is_active created_at updated_at version",
}


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, dtime(hour), tzinfo=UTC)


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max((end - start).days, 1)))


@dataclass
class Place:
    id: str
    code: str
    name: str
    level: str
    parent: "Place | None"
    path: str
    area: str | None = None
    children: list["Place"] = field(default_factory=list)


@dataclass
class Agency:
    id: str
    code: str
    policies: list[tuple[str, str, str, str, str]]  # (id, code, category, unit, funding)
    next_ref: int = 0


@dataclass
class Dataset:
    """What the benchmark needs to know about the data it did not create itself."""

    size: str
    province_id: str
    commune_ids: list[str]
    counts: dict[str, int]
    sample_household_ids: list[str]
    sample_names: list[str]
    seconds: float = 0.0


@functools.lru_cache(maxsize=200_000)
def _classified(year: int, area: str, income: int, deprivations: tuple[str, ...]):
    """The engine's answer, once per distinct input (incomes are rounded to 10,000 VND)."""
    standard = standard_for_year(year)
    result = classify(
        standard=standard, area=area, income_per_capita=income, deprivations=deprivations
    )
    reasons = json.dumps([r.to_public() for r in result.reasons], ensure_ascii=False)
    return standard.code, result.classification, result.poverty_line, reasons, standard


def _json_list(codes) -> str:
    """A JSON list of plain codes (no escaping needed), without the json module's cost."""
    return "[" + ", ".join(f'"{code}"' for code in codes) + "]" if codes else "[]"


@functools.lru_cache(maxsize=64)
def _indicators(year: int) -> tuple[str, ...]:
    return standard_for_year(year).indicator_codes


# Yearly status change: the chance of each next status given the current one.
MARKOV = {
    None: (("poor", 0.03), ("near_poor", 0.05), ("average", 0.27), ("not_poor", 0.65)),
    "poor": (("poor", 0.55), ("near_poor", 0.30), ("average", 0.12), ("not_poor", 0.03)),
    "near_poor": (("poor", 0.06), ("near_poor", 0.50), ("average", 0.32), ("not_poor", 0.12)),
    "average": (("poor", 0.006), ("near_poor", 0.03), ("average", 0.70), ("not_poor", 0.264)),
    "not_poor": (("poor", 0.002), ("near_poor", 0.008), ("average", 0.10), ("not_poor", 0.89)),
}


class Generator:
    def __init__(self, size: Size, seed: int = 2024):
        self.size = size
        self.rng = random.Random(seed)
        self.ids = Ids()
        self.now = datetime.now(UTC)
        self.citizen_serial: dict[tuple[int, int], int] = {}
        self.counts = dict.fromkeys(COLUMNS, 0)
        self.weights = load_weights()
        self.samples: list[str] = []
        self.sample_names: list[str] = []

    # -- places, people, agencies ----------------------------------------------------------------

    def places(self) -> tuple[Place, list[Place]]:
        size, rng = self.size, self.rng
        province_id = self.ids("pl")
        province = Place(province_id, "BENCH-84", "Trà Vinh", "province", None, f"/{province_id}/")
        communes = []
        for d in range(size.districts):
            did = self.ids("pl")
            district = Place(
                did,
                f"BENCH-D{d:02d}",
                DISTRICTS[d % len(DISTRICTS)],
                "district",
                province,
                f"{province.path}{did}/",
            )
            province.children.append(district)
            for _c in range(size.communes_per_district):
                cid = self.ids("pl")
                level = "ward" if d == 7 else "commune"
                name = (
                    f"{rng.choice(COMMUNE_WORDS)} {rng.choice(COMMUNE_WORDS)} {len(communes) + 1}"
                )
                commune = Place(
                    cid,
                    f"BENCH-C{len(communes):03d}",
                    ("Phường " if level == "ward" else "Xã ") + name,
                    level,
                    district,
                    f"{district.path}{cid}/",
                    "urban" if level == "ward" else "rural",
                )
                district.children.append(commune)
                communes.append(commune)
                for h in range(size.hamlets_per_commune):
                    hid = self.ids("pl")
                    hamlet_level = "quarter" if level == "ward" else "hamlet"
                    label = "Khóm" if level == "ward" else "Ấp"
                    commune.children.append(
                        Place(
                            hid,
                            f"BENCH-H{len(communes):03d}{h:02d}",
                            f"{label} {rng.choice(HAMLET_WORDS)} {h + 1}",
                            hamlet_level,
                            commune,
                            f"{commune.path}{hid}/",
                        )
                    )
        return province, communes

    def write_places(self, copy, province: Place) -> None:
        pending = [province]
        while pending:
            place = pending.pop(0)
            copy.write_row(
                (
                    place.id,
                    place.code,
                    place.name,
                    fold(place.name),
                    place.level,
                    place.parent.id if place.parent else None,
                    place.path,
                    place.area,
                    self.now,
                    self.now,
                    1,
                )
            )
            self.counts["places"] += 1
            pending.extend(place.children)

    def write_persons(self, copy, communes: list[Place]) -> dict[str, list[str]]:
        people: dict[str, list[str]] = {}
        for commune in communes:
            ids = []
            for _ in range(self.size.persons_per_commune):
                gender = self.rng.choice(("male", "female"))
                name = self.kinh_name(gender)
                pid = self.ids("ps")
                copy.write_row(
                    (
                        pid,
                        name,
                        fold(name)[:200],
                        self.rng.choice(ORGANISATIONS),
                        "Cán bộ phụ trách",
                        self.rng.random() < 0.4,
                        None,
                        commune.id,
                        commune.path,
                        True,
                        self.now,
                        self.now,
                        1,
                    )
                )
                ids.append(pid)
            people[commune.id] = ids
            self.counts["persons"] += len(ids)
        return people

    def write_agencies(self, agencies_copy, policies_copy) -> list[Agency]:
        agencies = []
        for code, name, kind, policies in AGENCIES:
            aid = self.ids("ag")
            agencies_copy.write_row((aid, code, name, kind, True, self.now, self.now, 1))
            agency = Agency(aid, code, [])
            for pcode, pname, category, unit, funding in policies:
                pid = self.ids("pol")
                schema = json.dumps(LOAN_SCHEMA) if unit == "loan" else None
                policies_copy.write_row(
                    (
                        pid,
                        aid,
                        pcode,
                        pname,
                        category,
                        unit,
                        '["poor", "near_poor"]',
                        "[]",
                        funding,
                        schema,
                        True,
                        self.now,
                        self.now,
                        1,
                    )
                )
                agency.policies.append((pid, pcode, category, unit, funding))
                self.counts["policies"] += 1
            agencies.append(agency)
            self.counts["agencies"] += 1
        return agencies

    # -- one household and everything about it ------------------------------------------------

    def kinh_name(self, gender: str, family: str | None = None) -> str:
        rng = self.rng
        return (
            f"{family or rng.choice(KINH_FAMILY)} {rng.choice(KINH_MIDDLE[gender])} "
            f"{rng.choice(KINH_GIVEN)}"
        )

    def person_name(self, ethnicity: str, gender: str, family: str | None = None) -> str:
        rng = self.rng
        if ethnicity == "khmer":
            family = family or rng.choice(KHMER_FAMILY)
            return f"{family}{' Thị' if gender == 'female' and rng.random() < 0.5 else ''} {rng.choice(KHMER_GIVEN)}"
        if ethnicity == "hoa":
            return f"{family or rng.choice(HOA_FAMILY)} {rng.choice(HOA_GIVEN)}"
        return self.kinh_name(gender, family)

    def citizen_id(self, birth_year: int, gender: str) -> str:
        century_sex = (2 if birth_year >= 2000 else 0) + (1 if gender == "female" else 0)
        key = (century_sex, birth_year % 100)
        serial = self.citizen_serial.get(key, 0) + 1
        self.citizen_serial[key] = serial
        return f"084{century_sex}{birth_year % 100:02d}{serial:06d}"

    def members_of(self, household_id: str, ethnicity: str, count: int):
        """(rows, head name, [(birth_year, can_work)]) of a household's current members."""
        rng = self.rng
        rows, facts = [], []
        head_gender = "male" if rng.random() < 0.7 else "female"
        family = None
        for index in range(count):
            if index == 0:
                relation, gender = "head", head_gender
                birth_year = rng.randint(1945, 1995)
            elif index == 1 and rng.random() < 0.85:
                relation = "spouse"
                gender = "female" if head_gender == "male" else "male"
                birth_year = rng.randint(1945, 1998)
            elif rng.random() < 0.15:
                relation, gender = "parent", rng.choice(("male", "female"))
                birth_year = rng.randint(1930, 1965)
            else:
                relation, gender = "child", rng.choice(("male", "female"))
                birth_year = rng.randint(1990, 2025)
            name = self.person_name(ethnicity, gender, family if relation == "child" else None)
            if index == 0:
                family = name.split(" ")[0]
            age = TODAY.year - birth_year
            can_work = 16 <= age < 62 and rng.random() < 0.92
            citizen = (
                self.citizen_id(birth_year, gender) if age >= 14 and rng.random() < 0.9 else None
            )
            rows.append(
                (
                    self.ids("mb"),
                    household_id,
                    name,
                    fold(name)[:200],
                    gender,
                    birth_year,
                    relation,
                    ethnicity,
                    citizen,
                    rng.choice(EDUCATION),
                    age < 19 and age >= 6,
                    rng.random() < 0.9,
                    can_work,
                    rng.random() < 0.03,
                    None,
                    None,
                    self.now,
                    self.now,
                    1,
                )
            )
            facts.append((birth_year, can_work))
        return rows, rows[0][2], facts

    def review_inputs(self, year: int, area: str, target: str) -> tuple[int, tuple[str, ...]]:
        """Income and deprivations that put a household near `target` under that year's rule."""
        rng = self.rng
        standard = standard_for_year(year)
        lines = standard.lines[area]
        poverty, near = lines.poverty_line, lines.near_poverty_line or lines.poverty_line
        codes = _indicators(year)
        if target == "poor":
            income = poverty * rng.uniform(0.5, 1.0)
            deprived = rng.sample(codes, rng.randint(3, 5))
        elif target == "near_poor":
            income = (
                rng.uniform(poverty, near) if near > poverty else poverty * rng.uniform(0.7, 1.0)
            )
            deprived = rng.sample(codes, rng.randint(0, 2))
        elif target == "average":
            income = near * rng.uniform(1.02, 1.45)
            deprived = rng.sample(codes, rng.randint(0, 2))
        else:
            income = near * rng.uniform(1.6, 4.0)
            deprived = rng.sample(codes, rng.randint(0, 1))
        return int(round(income / 50_000)) * 50_000, tuple(sorted(deprived))

    def household(
        self,
        out,
        commune: Place,
        people: list[str],
        agencies: list[Agency],
        number: int,
        watched_supports: float,
        other_supports: float,
        watched_visits: float,
        other_visits: float,
        members_mean: float,
    ) -> None:
        rng, ids, now = self.rng, self.ids, self.now
        hamlet = rng.choice(commune.children)
        hid = ids("hh")
        code = f"{number:06d}"
        roll = rng.random()
        ethnicity = "kinh" if roll < 0.68 else "khmer" if roll < 0.98 else "hoa"
        minority = is_ethnic_minority(ethnicity)
        meritorious = rng.random() < 0.02
        count = max(1, min(9, int(rng.gauss(members_mean, 1.4) + 0.5)))
        member_rows, head_name, member_facts = self.members_of(hid, ethnicity, count)
        registered = (
            day_between(rng, date(2015, 1, 1), date(2021, 6, 1))
            if rng.random() < 0.9
            else day_between(rng, date(2021, 6, 1), TODAY - timedelta(days=30))
        )
        area = commune.area or "rural"
        path = hamlet.path

        # Five years of recognised periodic reviews, each with its status change.
        history: list[str] = []
        status, status_since, without_capacity = "unclassified", None, False
        latest_change = None  # (transition, effective date, assessment facts)
        open_needs: dict[str, tuple] = {}  # category -> need row (open)
        need_rows = []
        target = None
        able = sum(1 for _, can in member_facts if can)
        for year in YEARS:
            effective = date(year, 12, 15)
            if effective < registered:
                continue
            target = rng.choices(*zip(*MARKOV[target], strict=True))[0]
            income, deprived = self.review_inputs(year, area, target)
            std_code, classification, line, reasons, standard = _classified(
                year, area, income, deprived
            )
            target = classification
            aid, sid = ids("as"), ids("sc")
            out["assessments"].write_row(
                (
                    aid,
                    hid,
                    path,
                    year,
                    "periodic",
                    std_code,
                    area,
                    income,
                    _json_list(deprived),
                    len(deprived),
                    count,
                    able,
                    classification,
                    line,
                    reasons,
                    "recognised",
                    date(year, 10, 20),
                    30,
                    28,
                    date(year, 11, 10),
                    f"{number % 900 + 100}/QĐ-UBND",
                    date(year, 12, 10),
                    effective,
                    at(date(year, 10, 20)),
                    at(date(year, 12, 10)),
                    5,
                )
            )
            transition = yearly_transition(history=history, new_status=classification)
            previous = history[-1] if history else "unclassified"
            wlc = classification == "poor" and able == 0
            out["status_changes"].write_row(
                (
                    sid,
                    hid,
                    aid,
                    path,
                    year,
                    "periodic",
                    effective,
                    previous,
                    classification,
                    transition,
                    wlc,
                    minority,
                    meritorious,
                    at(date(year, 12, 10)),
                )
            )
            history.append(classification)
            if classification != status or wlc != without_capacity:
                status, status_since, without_capacity = classification, effective, wlc
            latest_change = (transition, effective, std_code, income, line, deprived)
            if classification in ("poor", "near_poor"):
                for indicator, category in indicator_need_categories(standard, deprived).items():
                    if category in open_needs:
                        continue
                    open_needs[category] = (
                        ids("nd"),
                        hid,
                        path,
                        category,
                        "assessment",
                        aid,
                        indicator,
                        at(effective, 10),
                    )
            # Most needs are met within the year; the rest stay open.
            for category in list(open_needs):
                if rng.random() < 0.6:
                    row = open_needs.pop(category)
                    closed = at(day_between(rng, row[7].date(), min(TODAY, date(year + 1, 11, 30))))
                    need_rows.append((*row[:7], "met", "Đã được hỗ trợ", row[7], closed, closed, 2))
        need_rows += [
            (*row[:7], "open", None, row[7], None, row[7], 1) for row in open_needs.values()
        ]
        for row in need_rows:
            out["needs"].write_row(row)

        escape = latest_change[0] if latest_change and latest_change[0] in ESCAPES else None
        escaped_on = latest_change[1] if escape else None
        watched = status in ("poor", "near_poor") or escape is not None

        # The person in charge of a watched household, and its visits.
        person = rng.choice(people)
        if watched:
            start = escaped_on or status_since or registered
            out["assignments"].write_row(
                (
                    ids("asg"),
                    hid,
                    person,
                    path,
                    start,
                    "Phân công theo dõi hộ",
                    at(start),
                    at(start),
                    1,
                )
            )
        visits = self.visits_count(watched_visits if watched else other_visits)
        last_visit = None  # (date, next_visit_on)
        shocks: list[tuple[str, date]] = []
        dates = (
            self.periodic_dates(visits, registered)
            if watched
            else sorted(
                day_between(rng, max(registered, date(2021, 1, 1)), TODAY) for _ in range(visits)
            )
        )
        for visited in dates:
            shock = [rng.choice(SHOCK_CODES)] if rng.random() < 0.05 else []
            set_next = watched and rng.random() < 0.1
            upcoming = visited + timedelta(days=rng.randint(30, 90)) if set_next else None
            vid = ids("vs")
            out["visits"].write_row(
                (
                    vid,
                    hid,
                    path,
                    person if watched else rng.choice(people),
                    visited,
                    rng.choice(PURPOSES),
                    "Nhà tạm, đủ ăn",
                    rng.choice(("increased", "unchanged", "decreased", "unknown")),
                    _json_list(shock),
                    "Chăn nuôi, làm thuê",
                    rng.choice(("low", "medium", "high")),
                    "[]",
                    upcoming,
                    None,
                    at(visited, 15),
                    1,
                )
            )
            shocks.extend((code, visited) for code in shock)
            if last_visit is None or visited >= last_visit[0]:
                last_visit = (visited, upcoming)
        self.counts["visits"] += len(dates)

        # Derived fields, computed the way api/risk/service.py does.
        created = at(registered, 8)
        due = next_due(
            ScheduleFacts(
                status=status,
                status_since=status_since,
                registered_on=created.date(),
                escaped_on=escaped_on,
                last_visit_on=last_visit[0] if last_visit else None,
                next_visit_on=last_visit[1] if last_visit else None,
            )
        )
        due_on = due.due_on if due else None
        risk = None
        if latest_change is not None:
            _, _, std_code, income, line, deprived = latest_change
            risk = assess(
                RiskFacts(
                    as_of=TODAY,
                    status=status,
                    escape=escape,
                    escaped_on=escaped_on,
                    standard=std_code,
                    income_per_capita=income,
                    poverty_line=line,
                    deprivations=deprived,
                    deprivation_count=len(deprived),
                    shocks=tuple(shocks),
                    members=tuple(member_facts),
                    due_on=due_on,
                    open_needs=tuple(open_needs),
                ),
                self.weights,
            )
        reasons = (
            json.dumps([r.to_public() for r in risk.reasons], ensure_ascii=False) if risk else "[]"
        )
        names = " ".join([code, head_name, *(row[2] for row in member_rows)])
        out["households"].write_row(
            (
                hid,
                code,
                commune.id,
                hamlet.id,
                path,
                head_name,
                ethnicity,
                f"{hamlet.name}, {commune.name}",
                f"09{rng.randrange(10**8):08d}" if rng.random() < 0.5 else None,
                status,
                status_since,
                without_capacity,
                meritorious,
                rng.random() < 0.03,
                registered,
                due_on,
                risk.score if risk else None,
                reasons,
                TODAY if risk else None,
                fold(names),
                created,
                now,
                1,
            )
        )
        for row in member_rows:
            out["members"].write_row(row)

        # Support records from the agencies.
        supports = self.visits_count(watched_supports if watched else other_supports)
        for _ in range(supports):
            agency = rng.choice(agencies)
            pid, _pcode, category, unit, funding = rng.choice(agency.policies)
            agency.next_ref += 1
            delivered = day_between(rng, max(registered, date(2021, 1, 1)), TODAY)
            if unit in ("vnd", "loan"):
                amount, quantity = rng.randrange(5, 500) * 100_000, None
            else:
                amount, quantity = None, 1
            state = "repaid" if unit == "loan" and rng.random() < 0.3 else "delivered"
            attributes = '{"term_months": 36}' if unit == "loan" else "{}"
            stamp = at(delivered, 11)
            out["supports"].write_row(
                (
                    ids("sp"),
                    agency.id,
                    pid,
                    hid,
                    category,
                    delivered,
                    amount,
                    quantity,
                    funding,
                    state,
                    f"{agency.code}-{agency.next_ref:08d}",
                    attributes,
                    "agency",
                    agency.id,
                    stamp,
                    stamp,
                    1,
                )
            )
        self.counts["supports"] += supports
        self.counts["households"] += 1
        self.counts["members"] += len(member_rows)
        self.counts["assessments"] += len(history)
        self.counts["status_changes"] += len(history)
        self.counts["needs"] += len(need_rows)
        self.counts["assignments"] += 1 if watched else 0
        if len(self.samples) < 2000 and rng.random() < 0.05:
            self.samples.append(hid)
            self.sample_names.append(head_name)

    def visits_count(self, mean: float) -> int:
        whole = int(mean)
        return whole + (1 if self.rng.random() < mean - whole else 0)

    def periodic_dates(self, count: int, registered: date) -> list[date]:
        """About every three months, the latest within the last four months."""
        latest = TODAY - timedelta(days=self.rng.randint(1, 120))
        days = (latest - timedelta(days=91 * i + self.rng.randint(-10, 10)) for i in range(count))
        return sorted(day for day in days if day >= registered)


# -- loading -----------------------------------------------------------------------------------


def _constraints_and_indexes(conn, table: str) -> tuple[list[str], list[str]]:
    """(drop statements, create statements) of a table's secondary indexes and unique keys."""
    drops, creates = [], []
    for name, definition in conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u'",
        (table,),
    ):
        drops.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        creates.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for name, definition in conn.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        (table,),
    ):
        drops.append(f'DROP INDEX "{name}"')
        creates.append(definition)
    return drops, creates


def _run_parallel(dsn: str, statements: list[str], workers: int = 2) -> None:
    """Rebuild indexes on a few connections at once (largest tables spread out)."""
    errors: list[BaseException] = []

    def work(part: list[str]) -> None:
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '1GB'")
                for sql in part:
                    conn.execute(sql)
        except BaseException as exc:  # noqa: BLE001  (re-raised below)
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(statements[i::workers],)) for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def rebuild_report_counts(url: str) -> None:
    """The reports' maintained counts, from the rows COPY wrote behind the ORM's back."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            rebuild_all(session)
            session.commit()
    finally:
        engine.dispose()


def generate(url: str, size: Size, *, seed: int = 2024, log=print) -> Dataset:
    """Fill a migrated, empty database with a dataset of this size."""
    started = time.perf_counter()
    dsn = libpq_url(url)
    gen = Generator(size, seed)
    with psycopg.connect(dsn, autocommit=True) as conn:
        rebuild = []
        for table in BIG_TABLES:
            drops, creates = _constraints_and_indexes(conn, table)
            for sql in drops:
                conn.execute(sql)
            rebuild += creates
    members_mean = size.members / size.households
    # Watched households (poor, near-poor, escaped) get more supports and visits.
    watched_share, weight_supports, weight_visits = 0.09, 5.0, 8.0
    # Measured corrections: fewer households are watched than watched_share, and periodic
    # visits before a household's registration are dropped.
    other_supports = (
        1.05 * size.supports / size.households / (1 + watched_share * (weight_supports - 1))
    )
    other_visits = 1.09 * size.visits / size.households / (1 + watched_share * (weight_visits - 1))
    with ExitStack() as stack:
        out = {}
        for table, columns in COLUMNS.items():
            conn = stack.enter_context(psycopg.connect(dsn))
            conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
            conn.execute("SET synchronous_commit = off")
            cols = ", ".join(f'"{c}"' for c in columns.split())
            out[table] = stack.enter_context(
                conn.cursor().copy(f'COPY "{table}" ({cols}) FROM STDIN')
            )
        province, communes = gen.places()
        gen.write_places(out["places"], province)
        people = gen.write_persons(out["persons"], communes)
        agencies = gen.write_agencies(out["agencies"], out["policies"])
        number = 0
        for index in range(size.households):
            # Households of all communes interleave, as registered over the years.
            commune = communes[gen.rng.randrange(len(communes))]
            number += 1
            gen.household(
                out,
                commune,
                people[commune.id],
                agencies,
                number,
                other_supports * weight_supports,
                other_supports,
                other_visits * weight_visits,
                other_visits,
                members_mean,
            )
            if index and index % 50_000 == 0:
                log(f"  {index:,} households generated ({time.perf_counter() - started:.0f} s)")
    loaded = time.perf_counter()
    log(f"  rows copied in {loaded - started:.0f} s; rebuilding {len(rebuild)} indexes")
    # Unique keys and plain indexes first; then statistics and the visibility map.
    _run_parallel(dsn, rebuild)
    indexed = time.perf_counter()
    rebuild_report_counts(url)
    counted = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in (*BIG_TABLES, *COUNT_TABLES, "places", "agencies", "policies"):
            conn.execute(f'VACUUM (ANALYZE) "{table}"')
    log(
        f"  indexes {indexed - loaded:.0f} s, report counts {counted - indexed:.0f} s, "
        f"vacuum analyze {time.perf_counter() - counted:.0f} s"
    )
    return Dataset(
        size=size.name,
        province_id=province.id,
        commune_ids=[c.id for c in communes],
        counts=gen.counts,
        sample_household_ids=gen.samples,
        sample_names=gen.sample_names,
        seconds=time.perf_counter() - started,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--database-url", help="a migrated, empty database (else a new one)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    url = args.database_url
    if url is None:
        name, url = create_database("gn_province")
        print(f"database {name}")
    upgrade(url)
    dataset = generate(url, SIZES[args.size], seed=args.seed)
    print(json.dumps({"url": url, "seconds": round(dataset.seconds, 1), **dataset.counts}))


if __name__ == "__main__":
    main()
