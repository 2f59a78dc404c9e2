"""Field-work records of the fake API's commune: an administrator, a person in charge, a
need, a policy, a visit, the due list, a timeline and a sponsorship."""

from tests.web.fake_api_core import FakeState

ADMIN_USERNAME = "quan.tri"
ADMIN_PASSWORD = "mat-khau-quan-tri"
ILLNESS = {
    "code": "shock:illness",
    "points": 30,
    "vi": "Có người ốm nặng trong lần thăm gần nhất.",
    "en": "A member was seriously ill at the last visit.",
}


def seed_field_work(state: FakeState) -> None:
    state.users[ADMIN_USERNAME] = {
        "id": "u-9",
        "username": ADMIN_USERNAME,
        "full_name": "Quản trị viên",
        "role": "admin",
        "place_ids": [],
    }
    state.passwords[ADMIN_USERNAME] = ADMIN_PASSWORD
    state.households["h-0002"] |= {"risk_score": 72, "risk_reasons": [ILLNESS]}
    state.persons.append(
        {
            "id": "per-1",
            "full_name": "Lâm Văn Tư",
            "organisation": "womens_union",
            "position": "Chi hội trưởng",
            "phone": None,
            "user_id": None,
            "place_id": "p-ap-moi",
            "is_active": True,
        }
    )
    state.assignments.append(
        {
            "id": "asg-0",
            "household_id": "h-0002",
            "person_id": "per-1",
            "start_date": "2025-01-10",
            "end_date": None,
            "active": True,
            "reason": "Phân công đầu năm",
        }
    )
    state.needs.append(
        {
            "id": "need-1",
            "household_id": "h-0001",
            "category": "health",
            "source": "assessment",
            "indicator_code": "HE2",
            "description": None,
            "status": "open",
            "opened_at": "2026-01-05T02:00:00Z",
            "closed_at": None,
        }
    )
    state.agencies.append(
        {
            "id": "ag-1",
            "code": "BHXH",
            "name": "Bảo hiểm xã hội huyện",
            "name_en": "District social security",
            "kind": "social_security",
            "is_active": True,
            "place_ids": [],
        }
    )
    state.policies.append(
        {
            "id": "pol-1",
            "agency_id": "ag-1",
            "code": "BHYT-HN",
            "name": "Thẻ bảo hiểm y tế hộ nghèo",
            "name_en": "Health-insurance card for poor households",
            "category": "health",
            "unit": "card",
            "eligible_statuses": ["poor"],
            "default_funding_source": "state_budget",
            "is_active": True,
        }
    )
    state.visits.append(
        {
            "id": "vis-0",
            "household_id": "h-0001",
            "visitor_id": "per-1",
            "visitor": {"id": "per-1", "full_name": "Lâm Văn Tư", "organisation": "womens_union"},
            "visited_on": "2026-10-02",
            "purpose": "follow_up",
            "living_conditions": "Nhà tạm, mái dột.",
            "income_change": "decreased",
            "shocks": ["illness"],
            "shock_details": None,
            "household_plan": "Nuôi thêm hai con heo.",
            "risk_rating": "high",
            "next_visit_on": "2026-12-02",
            "notes": None,
        }
    )
    state.due.extend(
        [
            {
                "household_id": "h-0002",
                "code": "LH-002",
                "head_name": "Thạch Sô Phươl",
                "place_id": "p-ap-moi",
                "commune_id": "p-long-hoa",
                "status": "near_poor",
                "due_on": "2026-11-25",
                "overdue": True,
                "days_overdue": 3,
                "basis": "schedule",
                "last_visit": None,
                "person_in_charge": {
                    "id": "per-1",
                    "full_name": "Lâm Văn Tư",
                    "organisation": "womens_union",
                },
                "risk_score": 72,
            },
            {
                "household_id": "h-0001",
                "code": "LH-001",
                "head_name": "Nguyễn Văn A",
                "place_id": "p-ap-cho",
                "commune_id": "p-long-hoa",
                "status": "poor",
                "due_on": "2026-11-30",
                "overdue": False,
                "days_overdue": -2,
                "basis": "next_visit_set",
                "last_visit": {"id": "vis-0", "visited_on": "2026-10-02", "next_visit_on": None},
                "person_in_charge": None,
                "risk_score": None,
            },
        ]
    )
    state.timelines["h-0001"] = [
        {"at": "2024-03-01T02:30:00Z", "kind": "registered", "code": "LH-001"},
        {
            "at": "2025-12-15T00:00:00Z",
            "kind": "status_change",
            "year": 2025,
            "assessment_id": "as-old",
            "from": "unclassified",
            "to": "poor",
            "transition": "newly_poor",
            "standard": "ND07-2021",
            "reasons": [
                {
                    "code": "income_at_or_below_poverty_line",
                    "vi": "Thu nhập 1.200.000 ₫ không vượt chuẩn nghèo 1.500.000 ₫.",
                    "en": "Income of VND 1,200,000 is at or below the poverty line.",
                    "verified": True,
                }
            ],
            "without_labour_capacity": False,
        },
        {
            "at": "2026-10-02T00:00:00Z",
            "kind": "visit",
            "visit_id": "vis-0",
            "visitor_id": "per-1",
            "purpose": "follow_up",
            "shocks": ["illness"],
            "risk_rating": "high",
            "next_visit_on": "2026-12-02",
        },
    ]
    state.sponsorships.append(
        {
            "id": "sp-1",
            "household_id": "h-0001",
            "start_date": "2026-01-01",
            "end_date": None,
            "goal": "Thoát nghèo trong năm 2027",
            "end_reason": None,
            "model": "several_help_one",
            "pledges": [
                {
                    "id": "pl-1",
                    "sponsor_id": "sps-1",
                    "sponsor_name": "Doanh nghiệp Hòa Phát",
                    "sponsor_kind": "business",
                    "amount_vnd": 5_000_000,
                    "items": None,
                    "delivered_amount_vnd": 2_000_000,
                    "delivered_count": 1,
                }
            ],
            "pledged_amount_vnd": 5_000_000,
            "delivered_amount_vnd": 2_000_000,
            "delivered_count": 1,
        }
    )
