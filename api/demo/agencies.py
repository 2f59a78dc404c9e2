"""The demo's member agencies, their policies, and the support they delivered each year."""

import random
from datetime import date, timedelta
from typing import Any

from api.demo.registry import DIGITISED_ON, Home
from api.demo.writer import Ids, at

# (code, name, kind, [(policy code, name, category, unit, eligible, funding, within years)])
AGENCIES: tuple[tuple[str, str, str, tuple[tuple, ...]], ...] = (
    (
        "NHCSXH-CK",
        "Phòng giao dịch Ngân hàng Chính sách xã hội huyện Cầu Kè",
        "social_policy_bank",
        (
            ("VAY-HN", "Cho vay hộ nghèo", "credit", "loan", ["poor"], "policy_credit", None),
            (
                "VAY-HCN",
                "Cho vay hộ cận nghèo",
                "credit",
                "loan",
                ["near_poor"],
                "policy_credit",
                None,
            ),
            (
                "VAY-HMTN",
                "Cho vay hộ mới thoát nghèo",
                "credit",
                "loan",
                ["escaped_poverty"],
                "policy_credit",
                3,
            ),
            (
                "VAY-NSVS",
                "Cho vay nước sạch và vệ sinh môi trường nông thôn",
                "water_sanitation",
                "loan",
                [],
                "policy_credit",
                None,
            ),
        ),
    ),
    (
        "BHXH-CK",
        "Bảo hiểm xã hội huyện Cầu Kè",
        "social_security",
        (
            (
                "BHYT-HN",
                "Cấp thẻ bảo hiểm y tế cho người thuộc hộ nghèo",
                "health",
                "card",
                ["poor"],
                "state_budget",
                None,
            ),
            (
                "BHYT-HCN",
                "Hỗ trợ mua thẻ bảo hiểm y tế cho người thuộc hộ cận nghèo",
                "health",
                "card",
                ["near_poor"],
                "state_budget",
                None,
            ),
        ),
    ),
    (
        "PGDDT-CK",
        "Phòng Giáo dục và Đào tạo huyện Cầu Kè",
        "education",
        (
            (
                "MGHP",
                "Miễn, giảm học phí và hỗ trợ chi phí học tập",
                "education",
                "vnd",
                ["poor", "near_poor"],
                "state_budget",
                None,
            ),
        ),
    ),
    (
        "LDTBXH-CK",
        "Phòng Lao động - Thương binh và Xã hội huyện Cầu Kè",
        "labour",
        (
            (
                "DTN-LDNT",
                "Đào tạo nghề cho lao động nông thôn",
                "vocational_training",
                "course",
                ["poor", "near_poor"],
                "ntp_subproject",
                None,
            ),
            (
                "TCXH",
                "Trợ cấp xã hội hằng tháng",
                "social_assistance",
                "vnd",
                [],
                "state_budget",
                None,
            ),
            (
                "HTTD",
                "Hỗ trợ tiền điện cho hộ nghèo",
                "electricity",
                "vnd",
                ["poor"],
                "state_budget",
                None,
            ),
            (
                "XKLD",
                "Hỗ trợ đi làm việc ở nước ngoài theo hợp đồng",
                "labour_export",
                "vnd",
                ["poor", "near_poor"],
                "ntp_subproject",
                None,
            ),
        ),
    ),
    (
        "PNNPTNT-CK",
        "Phòng Nông nghiệp và Phát triển nông thôn huyện Cầu Kè",
        "agriculture",
        (
            (
                "PTSX-135",
                "Hỗ trợ phát triển sản xuất (Chương trình 135)",
                "livelihood",
                "item",
                ["poor", "near_poor"],
                "program_135",
                None,
            ),
            (
                "NRMH",
                "Nhân rộng mô hình giảm nghèo",
                "livelihood",
                "item",
                ["poor", "near_poor"],
                "ntp_subproject",
                None,
            ),
        ),
    ),
    (
        "MTTQ-CK",
        "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Cầu Kè",
        "fatherland_front",
        (
            (
                "NDDK",
                "Xây nhà Đại đoàn kết",
                "housing",
                "vnd",
                ["poor"],
                "social_mobilisation",
                None,
            ),
            (
                "QUA-TET",
                "Quà Tết cho hộ nghèo, hộ cận nghèo",
                "social_mobilisation",
                "item",
                ["poor", "near_poor"],
                "social_mobilisation",
                None,
            ),
        ),
    ),
)
PROGRAM_135 = ("HA", "CD", "NT")  # communes of Program 135 (extremely difficult areas)


def agency_rows(ids: Ids) -> tuple[list[dict], list[dict], dict[str, dict]]:
    """Agencies, policies, and the policies by code."""
    created = at(DIGITISED_ON, 7)
    stamp = {"created_at": created, "updated_at": created, "version": 1}
    agencies, policies, by_code = [], [], {}
    for code, name, kind, catalogue in AGENCIES:
        agency = {"id": ids("ag"), "code": code, "name": name, "name_en": None, "kind": kind}
        agencies.append({**agency, "is_active": True, **stamp})
        for p_code, p_name, category, unit, eligible, funding, within in catalogue:
            policy = {
                "id": ids("pol"),
                "agency_id": agency["id"],
                "code": p_code,
                "name": p_name,
                "name_en": None,
                "description": None,
                "category": category,
                "unit": unit,
                "eligible_statuses": eligible,
                "escaped_within_years": within,
                "required_flags": [],
                "default_funding_source": funding,
                "attributes_schema": None,
                "is_active": True,
                **stamp,
            }
            policies.append(policy)
            by_code[p_code] = {**policy, "agency_code": code}
    return agencies, policies, by_code


class Deliveries:
    """Support records of one year for one household, and the needs they meet."""

    def __init__(self, ids: Ids, rng: random.Random, policies: dict[str, dict]):
        self.ids, self.rng, self.policies = ids, rng, policies
        self.rows: list[dict[str, Any]] = []
        self.serial: dict[str, int] = {}

    def _day(self, year: int, first_month: int = 1, last_month: int = 11) -> date:
        start = date(year, first_month, 3)
        end = date(year, last_month, 28)
        return start + timedelta(days=self.rng.randrange((end - start).days))

    def add(self, home: Home, code: str, day: date, amount: int | None, quantity=None, **kw):
        policy = self.policies[code]
        agency = policy["agency_code"]
        self.serial[agency] = self.serial.get(agency, 0) + 1
        support_id = self.ids("sp")
        need = home.open_needs.get(policy["category"])
        need_id = None
        if need is not None and need["opened_at"].date() < day and self.rng.random() < 0.8:
            need_id = need["id"]
            need.update(
                status="met",
                met_by_support_id=support_id,
                closed_at=at(day, 15),
                updated_at=at(day, 15),
                version=2,
            )
            del home.open_needs[policy["category"]]
        row = {
            "id": support_id,
            "agency_id": policy["agency_id"],
            "policy_id": policy["id"],
            "household_id": home.id,
            "category": policy["category"],
            "delivered_on": day,
            "amount_vnd": amount,
            "quantity": quantity,
            "funding_source": policy["default_funding_source"],
            "status": kw.get("status", "delivered"),
            "external_ref": f"{agency}-{day.year}-{self.serial[agency]:06d}",
            "attributes": {},
            "note": kw.get("note"),
            "need_id": need_id,
            "recorded_by_kind": "agency",
            "recorded_by_id": policy["agency_id"],
            "created_at": at(day, 16),
            "updated_at": at(day, 16),
            "version": 1,
        }
        self.rows.append(row)
        return row

    def year(self, home: Home, year: int) -> None:
        """What a household of this status typically received during the year."""
        status = home.life.status(year)
        if status is None:
            return
        rng, members = self.rng, len(home.members)
        before = home.life.status(year - 1) if year > 2016 else None
        escaped = status not in ("poor", "near_poor") and before == "poor"
        schoolchildren = sum(1 for m in home.members if m[7] and 2018 - m[3] < 19)
        if status == "poor":
            if rng.random() < 0.96:
                self.add(home, "BHYT-HN", self._day(year, 1, 3), 700_000 * members, members)
            if rng.random() < 0.85:
                self.add(home, "HTTD", self._day(year, 1, 4), 552_000)
            if home.able_to_work() == 0 and rng.random() < 0.9:
                self.add(home, "TCXH", self._day(year, 1, 3), 3_240_000)
            if rng.random() < 0.15:
                status_ = "repaid" if year == 2016 and rng.random() < 0.3 else "delivered"
                amount = rng.randrange(20, 51, 5) * 1_000_000
                self.add(home, "VAY-HN", self._day(year), amount, status=status_)
            program = "PTSX-135" if home.commune.suffix in PROGRAM_135 else "NRMH"
            if rng.random() < (0.12 if program == "PTSX-135" else 0.08):
                quantity = rng.choice((1, 1, 2))
                amount = rng.randrange(8, 16) * 1_000_000 * quantity
                self.add(home, program, self._day(year, 3, 10), amount, quantity)
            if rng.random() < 0.025:
                self.add(home, "NDDK", self._day(year, 4, 11), rng.randrange(40, 51) * 1_000_000)
        if status == "near_poor":
            if rng.random() < 0.78:
                self.add(home, "BHYT-HCN", self._day(year, 1, 3), 490_000 * members, members)
            if rng.random() < 0.08:
                amount = rng.randrange(20, 41, 5) * 1_000_000
                self.add(home, "VAY-HCN", self._day(year), amount)
        if status in ("poor", "near_poor"):
            if schoolchildren and rng.random() < 0.9:
                amount = schoolchildren * rng.randrange(3, 16) * 100_000
                self.add(home, "MGHP", self._day(year, 8, 10), amount, schoolchildren)
            if rng.random() < 0.03:
                self.add(home, "DTN-LDNT", self._day(year, 3, 9), rng.randrange(20, 31) * 100_000)
            if rng.random() < 0.003:
                self.add(home, "XKLD", self._day(year, 2, 9), 30_000_000)
            share = 0.6 if status == "poor" else 0.3
            if rng.random() < share:
                self.add(home, "QUA-TET", self._day(year, 1, 1), rng.randrange(3, 6) * 100_000)
        if escaped and rng.random() < 0.1:
            amount = rng.randrange(20, 51, 5) * 1_000_000
            self.add(home, "VAY-HMTN", self._day(year, 2, 10), amount)
        if "water_sanitation" in home.open_needs and rng.random() < 0.12:
            amount = rng.randrange(10, 21) * 1_000_000
            self.add(home, "VAY-NSVS", self._day(year, 2, 10), amount)
