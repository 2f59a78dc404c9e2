"""People in charge, their assignments and visits, sponsors, and each household's next due
date and early warning computed by the same pure functions the services use."""

import random
from datetime import date, timedelta
from typing import Any

from api.core.text import fold
from api.demo.district_names import ORGANISATION_TITLES
from api.demo.registry import DIGITISED_ON, Commune, Home, People
from api.demo.writer import Ids, Weighted, at
from api.risk.scoring import ESCAPES, RiskFacts, assess
from api.risk.weights import load_weights
from api.visits.schedule import ScheduleFacts, next_due

ACTOR = "system"
HAMLET_ORGANISATIONS = ("womens_union", "farmers_union", "veterans_association", "youth_union")
PLANS = (
    "Nuôi thêm heo, gà; trồng rau màu bán ở chợ xã.",
    "Con lớn đi làm công nhân ở Bình Dương, gửi tiền về.",
    "Vay vốn mua bò giống, làm thêm nghề đan lát.",
    "Sửa lại nhà vệ sinh; cho con đi học nghề sửa xe.",
    "Chuyển đổi ruộng lúa kém hiệu quả sang trồng dừa.",
)
QUARTERS = ((1, 3), (4, 6), (7, 9), (10, 12))
OFFICER_NAME = "Trần Thị Lan"  # the demo account canbo.hoaan, a person in charge too
INCOME_CHANGE = Weighted(("increased", "unchanged", "decreased", "unknown"), (25, 55, 8, 12))


def _stamp(day: date) -> dict[str, Any]:
    return {"created_at": at(day, 8), "updated_at": at(day, 8), "version": 1}


def person_rows(ids: Ids, people: People, communes: list[Commune], officer_user: str | None):
    """A commune officer per commune; two people of mass organisations per hamlet."""
    rows, by_hamlet = [], {}
    rng = people.rng
    for commune in communes:
        for index in range(2 if commune.suffix == "HA" else 1):
            name = (
                OFFICER_NAME
                if index == 0 and commune.suffix == "HA"
                else people.unique_name("staff", "kinh", rng.choice(("male", "female")), 1980)
            )
            rows.append(
                {
                    "id": ids("ps"),
                    "full_name": name,
                    "name_search": fold(name),
                    "organisation": "commune_staff",
                    "position": ORGANISATION_TITLES["commune_staff"],
                    "party_member": True,
                    "phone": f"09{rng.randrange(10**8):08d}",
                    "user_id": officer_user if index == 0 and commune.suffix == "HA" else None,
                    "place_id": commune.id,
                    "place_path": commune.path,
                    "is_active": True,
                    "notes": None,
                    **_stamp(DIGITISED_ON),
                }
            )
        for hamlet in commune.hamlets:
            chosen = rng.sample(HAMLET_ORGANISATIONS, 2)
            for organisation in chosen:
                gender = "female" if organisation == "womens_union" else rng.choice(("male",) * 3)
                ethnicity = "khmer" if rng.random() < 0.3 else "kinh"
                name = people.unique_name("staff", ethnicity, gender, 1975)
                row = {
                    "id": ids("ps"),
                    "full_name": name,
                    "name_search": fold(name),
                    "organisation": organisation,
                    "position": ORGANISATION_TITLES[organisation],
                    "party_member": rng.random() < 0.6,
                    "phone": f"09{rng.randrange(10**8):08d}",
                    "user_id": None,
                    "place_id": hamlet["id"],
                    "place_path": hamlet["path"],
                    "is_active": True,
                    "notes": None,
                    **_stamp(DIGITISED_ON),
                }
                rows.append(row)
                by_hamlet.setdefault(hamlet["id"], []).append(row)
    return rows, by_hamlet


def _followed(home: Home, year: int) -> str | None:
    """Why a household is visited in a year: poor, near-poor, or escaped within two years."""
    needy = ("poor", "near_poor")
    status = home.life.status(year)
    if status is None:
        return None
    if status in needy:
        return status
    before = home.life.status(year - 1) if year > 2016 else None
    earlier = home.life.status(year - 2) if year > 2017 else None
    if before in needy or (earlier in needy and before not in needy):
        return "escaped"
    return None


class FieldWork:
    """Assignments from 2017 for households on the list, quarterly visits, sponsorships."""

    def __init__(self, ids: Ids, rng: random.Random, persons_by_hamlet):
        self.ids, self.rng, self.persons = ids, rng, persons_by_hamlet
        self.assignments: list[dict[str, Any]] = []
        self.visits: list[dict[str, Any]] = []

    def assign(self, home: Home) -> list[dict[str, Any]]:
        rng = self.rng
        if _followed(home, 2016) in ("poor", "near_poor"):
            start = date(2017, 3, 1) + timedelta(days=rng.randrange(30))
        elif _followed(home, 2017) in ("poor", "near_poor"):
            start = date(2018, 1, 10) + timedelta(days=rng.randrange(30))
        else:
            return []
        people = self.persons[home.hamlet["id"]]
        person = rng.choice(people)
        first = self._assignment(home, person, start, "Phân công theo dõi, giúp đỡ hộ")
        result = [first]
        if rng.random() < 0.06:  # the person in charge changed in 2018
            handover = date(2018, 4, 1) + timedelta(days=rng.randrange(150))
            if handover > start:
                other = next((p for p in people if p["id"] != person["id"]), person)
                first.update(
                    end_date=handover,
                    end_reason="Người phụ trách chuyển công tác",
                    ended_by=ACTOR,
                    ended_at=at(handover, 8),
                    updated_at=at(handover, 8),
                    version=2,
                )
                second = self._assignment(home, other, handover, "Bàn giao người phụ trách")
                second["replaces_id"] = first["id"]
                result.append(second)
        self.assignments.extend(result)
        return result

    def _assignment(self, home: Home, person, start: date, reason: str) -> dict[str, Any]:
        return {
            "id": self.ids("asg"),
            "household_id": home.id,
            "person_id": person["id"],
            "place_path": home.hamlet["path"],
            "start_date": start,
            "end_date": None,
            "reason": reason,
            "end_reason": None,
            "replaces_id": None,
            "created_by": ACTOR,
            "ended_by": None,
            "created_at": at(start, 8),
            "ended_at": None,
            "updated_at": at(start, 8),
            "version": 1,
        }

    def visit(self, home: Home, assignments: list[dict[str, Any]]) -> None:
        """A visit in most quarters the household is followed, by the person then in charge."""
        rng, visits = self.rng, []
        for year in (2017, 2018):
            why = _followed(home, year)
            if why is None:
                continue
            for first_month, last_month in QUARTERS:
                start, end = date(year, first_month, 1), date(year, last_month, 28)
                day = start + timedelta(days=rng.randrange((end - start).days))
                by = next(
                    (
                        a
                        for a in assignments
                        if a["start_date"] <= day and (a["end_date"] is None or day < a["end_date"])
                    ),
                    None,
                )
                if by is None or rng.random() > 0.88:
                    continue
                visits.append(self._visit(home, by["person_id"], day, why))
        self.visits.extend(visits)
        if visits:
            last = max(visits, key=lambda v: v["visited_on"])
            home.last_visit = (last["visited_on"], last["next_visit_on"])
        home.shocks = [(code, v["visited_on"]) for v in visits for code in v["shocks"]]

    def _visit(self, home: Home, person_id: str, day: date, why: str) -> dict[str, Any]:
        rng = self.rng
        shocks = ("illness", "crop_livestock_loss", "disaster")
        shock = [rng.choice(shocks)] if rng.random() < 0.03 else []
        purposes = ("follow_up", "follow_up", "follow_up", "advice")
        purpose = "re_poverty_check" if why == "escaped" else rng.choice(purposes)
        return {
            "id": self.ids("vs"),
            "household_id": home.id,
            "place_path": home.hamlet["path"],
            "visitor_id": person_id,
            "visited_on": day,
            "purpose": purpose,
            "living_conditions": None,
            "income_change": INCOME_CHANGE(rng),
            "shocks": shock,
            "shock_details": None,
            "household_plan": rng.choice(PLANS) if rng.random() < 0.4 else None,
            "risk_rating": rng.choice(("low", "low", "medium", "high"))
            if why == "escaped"
            else None,
            "need_ids": [],
            "next_visit_on": None,
            "notes": None,
            "recorded_by": ACTOR,
            "created_at": at(day, 17),
            "version": 1,
        }


def derive(home: Home, as_of: date) -> None:
    """The next due date and the early warning, as api/risk/service.py would store them."""
    latest = home.reviews[-1] if home.reviews else None
    escape = latest.transition if latest and latest.transition in ESCAPES else None
    escaped_on = latest.decision_date if escape else None
    last_visit, next_visit = home.last_visit or (None, None)
    facts = ScheduleFacts(
        status=home.status,
        status_since=home.status_since,
        registered_on=home.created_at.date(),
        escaped_on=escaped_on,
        last_visit_on=last_visit,
        next_visit_on=next_visit,
    )
    due = next_due(facts)
    home.next_visit_due_on = due.due_on if due else None
    result = latest.result if latest else None
    since = as_of - timedelta(days=load_weights().shock_lookback_days)
    shocks = tuple((code, day) for code, day in home.shocks if since <= day <= as_of)
    risk = assess(
        RiskFacts(
            as_of=as_of,
            status=home.status,
            escape=escape,
            escaped_on=escaped_on,
            standard=result.standard if result else None,
            income_per_capita=result.income_per_capita if result else None,
            poverty_line=result.poverty_line if result else None,
            deprivations=tuple(result.deprived_indicators) if result else (),
            deprivation_count=result.deprivation_count if result else 0,
            shocks=shocks,
            members=tuple((m[3], m[9]) for m in home.members),
            due_on=home.next_visit_due_on,
            open_needs=tuple(home.open_needs),
        )
    )
    if risk is not None:
        home.risk, home.risk_as_of = risk, as_of
        home.version += 1


SPONSORS = (
    ("business", "Công ty TNHH Thủy sản Cầu Kè", None),
    ("business", "Doanh nghiệp tư nhân Vật tư nông nghiệp Phước Thành", None),
    ("philanthropist", "Chùa Sóc Kha (sư cả Thạch Sa Ol)", "HA"),
    ("mass_organisation", "Hội Liên hiệp Phụ nữ xã Hòa Ân", "HA"),
    ("mass_organisation", "Hội Nông dân xã Châu Điền", "CD"),
    ("well_off_household", "Hộ ông Lâm Văn Phát", "PP"),
    ("well_off_household", "Hộ bà Nguyễn Thị Kiều", "PT"),
    ("well_off_household", "Hộ ông Huỳnh Tấn Lộc", "TN"),
    ("business", "Cửa hàng điện máy Hoàng Gia", "TT"),
    ("philanthropist", "Nhóm thiện nguyện Tấm lòng vàng", "NT"),
    ("mass_organisation", "Đoàn Thanh niên xã An Phú Tân", "APT"),
)


def sponsor_rows(ids: Ids, rng: random.Random, district: dict, communes, homes, supports):
    """Sponsors, their sponsorships of poor households, pledges and the gifts they gave."""
    by_suffix = {c.suffix: c for c in communes}
    sponsors = []
    for kind, name, suffix in SPONSORS:
        place = by_suffix[suffix] if suffix else None
        sponsors.append(
            {
                "id": ids("spn"),
                "kind": kind,
                "name": name,
                "name_search": fold(name),
                "representative": None,
                "phone": f"0294{rng.randrange(10**6):06d}",
                "address": None,
                "place_id": place.id if place else district["id"],
                "place_path": place.path if place else district["path"],
                "is_active": True,
                "notes": None,
                **_stamp(DIGITISED_ON),
            }
        )
    gifts: dict[str, list[dict]] = {}
    for support in supports:
        if support["funding_source"] == "social_mobilisation":
            gifts.setdefault(support["household_id"], []).append(support)
    candidates = [h for h in homes if h.life.status(2017) == "poor"]
    chosen = rng.sample(candidates, min(len(candidates), max(3, len(candidates) // 20)))
    sponsorships, pledges, contributions = [], [], []
    for home in chosen:
        mine = [s for s in sponsors if home.commune.path.startswith(s["place_path"])]
        backers = rng.sample(mine, min(len(mine), rng.choice((1, 1, 2))))
        start = date(2017, 4, 1) + timedelta(days=rng.randrange(120))
        escaped = home.life.status(2018) != "poor"
        sponsorship = {
            "id": ids("shp"),
            "household_id": home.id,
            "place_path": home.hamlet["path"],
            "start_date": start,
            "end_date": date(2018, 12, 31) if escaped else None,
            "goal": "Giúp hộ có sinh kế ổn định, thoát nghèo bền vững",
            "end_reason": "Hộ đã thoát nghèo" if escaped else None,
            "created_by": ACTOR,
            **_stamp(start),
        }
        sponsorships.append(sponsorship)
        for sponsor in backers:
            money = rng.random() < 0.6
            pledges.append(
                {
                    "id": ids("plg"),
                    "sponsorship_id": sponsorship["id"],
                    "sponsor_id": sponsor["id"],
                    "amount_vnd": rng.randrange(2, 11) * 1_000_000 if money else None,
                    "items": None if money else "01 con bò giống",
                    "created_at": at(start, 9),
                }
            )
        for gift in gifts.get(home.id, []):
            if backers and gift["delivered_on"] >= start:
                contributions.append(
                    {
                        "support_id": gift["id"],
                        "sponsorship_id": sponsorship["id"],
                        "sponsor_id": backers[0]["id"],
                        "place_path": home.hamlet["path"],
                        "linked_by": ACTOR,
                        "linked_at": at(gift["delivered_on"], 17),
                    }
                )
    return sponsors, sponsorships, pledges, contributions
