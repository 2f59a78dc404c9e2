"""The fake API's review endpoints: standards and the classification preview, reviews and
their steps, needs, the timeline and members (shapes of api/standards, api/assessments,
api/needs, api/timeline and api/households; only the rules the web tests exercise)."""

from datetime import date, datetime, timedelta, timezone
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.web.fake_api_core import API, FakeState, problem

RURAL_LINE = 1_500_000
AVERAGE_TOP = 2_250_000
DIMENSIONS = [
    {"code": "health", "name_vi": "Y tế", "name_en": "Health"},
    {"code": "housing", "name_vi": "Nhà ở", "name_en": "Housing"},
]
INDICATORS = [
    ("HE1", "health", "Dinh dưỡng", "Nutrition"),
    ("HE2", "health", "Bảo hiểm y tế", "Health insurance"),
    ("HO1", "housing", "Chất lượng nhà ở", "Housing quality"),
    ("HO2", "housing", "Diện tích nhà ở bình quân đầu người", "Floor area per person"),
]
STANDARD = {
    "code": "ND07-2021",
    "title_vi": "Chuẩn nghèo đa chiều giai đoạn 2022-2025",
    "title_en": "Multidimensional poverty standard, 2022-2025",
    "years": {"first": 2022, "last": 2026},
    "provisional": False,
    "source": "Decree 07/2021/NĐ-CP",
}
STEPS = {
    "surveyed": ("draft", "surveyed"),
    "meeting": ("surveyed", "agreed"),
    "posted": ("agreed", "posted"),
    "recognised": ("posted", "recognised"),
}


def vietnam_today() -> date:
    return datetime.now(timezone(timedelta(hours=7))).date()


def invalid(errors: list[dict[str, str]]) -> JSONResponse:
    return problem(422, "Invalid input", "; ".join(e["detail"] for e in errors), errors=errors)


def missing(body: dict[str, Any], *names: str) -> list[dict[str, str]]:
    """pydantic's "missing" for each required field left out (blank optional ones are sent
    as absent by the web app)."""
    return [
        {"pointer": f"/{name}", "detail": "Field required", "code": "missing"}
        for name in names
        if body.get(name) in (None, "")
    ]


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def classify(income: int, deprivations: list[str]) -> dict[str, Any]:
    """A small stand-in of the real classifier under ND07-2021, rural."""
    count = len(deprivations)
    if income <= RURAL_LINE:
        classification = "poor" if count >= 3 else "near_poor"
        income_reason = {
            "code": "income_at_or_below_poverty_line",
            "vi": f"Thu nhập {vnd(income)} không vượt chuẩn nghèo {vnd(RURAL_LINE)}.",
            "en": f"Income {income} is at or below the poverty line {RURAL_LINE}.",
        }
    else:
        classification = "average" if income <= AVERAGE_TOP else "not_poor"
        income_reason = {
            "code": "income_above_poverty_line",
            "vi": f"Thu nhập {vnd(income)} cao hơn chuẩn nghèo {vnd(RURAL_LINE)}.",
            "en": f"Income {income} is above the poverty line {RURAL_LINE}.",
        }
    deprivation_reason = {
        "code": "deprivations",
        "vi": f"Hộ thiếu hụt {count} chỉ số.",
        "en": f"The household is deprived in {count} indicators.",
    }
    return {
        "standard": "ND07-2021",
        "classification": classification,
        "area": "rural",
        "basis": "income",
        "deprivation_count": count,
        "deprived_indicators": sorted(deprivations),
        "poverty_line": RURAL_LINE,
        "near_poverty_line": None,
        "provisional": False,
        "reasons": [{**income_reason, "verified": True}, {**deprivation_reason, "verified": True}],
    }


def classify_problem(body: dict[str, Any]) -> JSONResponse | None:
    income = body.get("income_per_capita")
    if income is None and body.get("b1_score") is None:
        message = "Give either income_per_capita or b1_score."
        errors = [
            {
                "pointer": "/income_per_capita",
                "detail": message,
                "code": "missing_income_per_capita_or_b1_score",
            }
        ]
        return invalid(errors)
    if not isinstance(income, int):
        return invalid(
            [
                {
                    "pointer": "/income_per_capita",
                    "detail": "Input should be a valid integer",
                    "code": "int_parsing",
                }
            ]
        )
    unknown = [code for code in body.get("deprivations") or [] if code not in dict_codes()]
    if unknown:
        errors = [{"pointer": "/deprivations/0", "detail": "bad", "code": "unknown_indicator"}]
        return invalid(errors)
    return None


def dict_codes() -> set[str]:
    return {code for code, _, _, _ in INDICATORS}


def standard_body() -> dict[str, Any]:
    return {
        **STANDARD,
        "dimensions": DIMENSIONS,
        "indicators": [
            {
                "code": code,
                "dimension": dimension,
                "name_vi": vi,
                "name_en": en,
                "condition_vi": f"Điều kiện {code}.",
                "condition_en": f"Condition {code}.",
            }
            for code, dimension, vi, en in INDICATORS
        ],
    }


def _versioned(body: dict[str, Any], version: int, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"ETag": f'"v{version}"'})


def install_field_routes(app: FastAPI, state: FakeState) -> None:  # noqa: C901 - a route table
    @app.get(f"{API}/standards")
    async def list_standards() -> Any:
        return {"items": [STANDARD]}

    @app.get(f"{API}/standards/{{code}}")
    async def read_standard(code: str) -> Any:
        if code != STANDARD["code"]:
            return problem(422, "Invalid input", "Unknown standard.")
        return standard_body()

    @app.post(f"{API}/classify")
    async def classify_preview(request: Request) -> Any:
        body = await request.json()
        state.classify_calls.append(body)
        refused = classify_problem(body)
        if refused is not None:
            return refused
        return classify(body["income_per_capita"], body.get("deprivations") or [])

    # --- assessments ---------------------------------------------------------------------

    def assessment_body(record: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in record.items() if key != "version"}

    @app.get(f"{API}/households/{{household_id}}/assessments")
    async def list_assessments(household_id: str) -> Any:
        items = [a for a in state.assessments.values() if a["household_id"] == household_id]
        return {"items": [assessment_body(a) for a in items], "next_page_token": None}

    @app.post(f"{API}/households/{{household_id}}/assessments", status_code=201)
    async def create_assessment(request: Request, household_id: str) -> Any:
        if household_id not in state.households:
            return problem(404, "Not found", "No such household.")
        body = await request.json()
        errors = missing(body, "year")
        if errors:
            return invalid(errors)
        if isinstance(body.get("year"), int) and body["year"] > vietnam_today().year:
            return invalid([{"pointer": "/year", "detail": "The review year is in the future."}])
        refused = classify_problem(body)
        if refused is not None:
            return refused
        result = classify(body["income_per_capita"], body.get("deprivations") or [])
        assessment_id = f"as-{len(state.assessments) + 1}"
        record = {
            "id": assessment_id,
            "household_id": household_id,
            "year": body["year"],
            "kind": body.get("kind", "periodic"),
            "standard": "ND07-2021",
            "area": "rural",
            "income_per_capita": body["income_per_capita"],
            "b1_score": None,
            "b2_score": None,
            "deprivations": result["deprived_indicators"],
            "deprivation_count": result["deprivation_count"],
            "members_count": 2,
            "able_to_work_count": 1,
            "classification": result["classification"],
            "poverty_line": RURAL_LINE,
            "reasons": result["reasons"],
            "state": "draft",
            "survey_date": body.get("survey_date"),
            "notes": body.get("notes"),
            "created_at": "2026-11-28T08:00:00Z",
            "updated_at": "2026-11-28T08:00:00Z",
            "steps": [
                {
                    "step": "created",
                    "from_state": "draft",
                    "to_state": "draft",
                    "actor_id": "u-1",
                    "occurred_at": "2026-11-28T08:00:00Z",
                    "details": {},
                }
            ],
            "version": 1,
        }
        state.assessments[assessment_id] = record
        return _versioned(assessment_body(record), 1, status=201)

    @app.get(f"{API}/households/{{household_id}}/assessments/{{assessment_id}}")
    async def read_assessment(household_id: str, assessment_id: str) -> Any:
        record = state.assessments.get(assessment_id)
        if record is None or record["household_id"] != household_id:
            return problem(404, "Not found", "No such assessment.")
        return _versioned(assessment_body(record), record["version"])

    @app.post(f"{API}/households/{{household_id}}/assessments/{{assessment_id}}/steps")
    async def apply_step(request: Request, household_id: str, assessment_id: str) -> Any:
        record = state.assessments.get(assessment_id)
        if record is None:
            return problem(404, "Not found", "No such assessment.")
        if_match = request.headers.get("if-match")
        if if_match and if_match != f'"v{record["version"]}"':
            return problem(412, "The record has changed", "The assessment has changed.")
        body = await request.json()
        step = body.get("step")
        if step == "meeting":
            errors = missing(body, "attendees", "agreeing")
            if errors:
                return invalid(errors)
            if body["agreeing"] > body["attendees"]:
                detail = "More agreeing than attendees."
                return invalid([{"pointer": "/agreeing", "detail": detail}])
        if step == "recognised":
            errors = missing(body, "decision_number", "decision_date")
            if errors:
                return invalid(errors)
        if step == "rejected":
            if not body.get("reason"):
                return invalid(missing(body, "reason"))
            record["state"] = "rejected"
        else:
            start, end = STEPS[step]
            if record["state"] != start:
                return problem(409, "Conflict", f"Cannot {step} a {record['state']} assessment.")
            if step == "meeting":
                record["meeting_attendees"] = body["attendees"]
                record["meeting_agreeing"] = body["agreeing"]
                if body["agreeing"] * 2 < body["attendees"]:
                    end = "draft"  # fewer than half agreed: back to the survey
            record["steps"].append(
                {
                    "step": step,
                    "from_state": record["state"],
                    "to_state": end,
                    "actor_id": "u-1",
                    "occurred_at": "2026-11-28T09:00:00Z",
                    "details": {},
                }
            )
            record["state"] = end
        if step == "recognised":
            state.households[household_id]["status"] = record["classification"]
        record["version"] += 1
        return _versioned(assessment_body(record), record["version"])

    # --- needs, timeline -----------------------------------------------------------------

    @app.get(f"{API}/needs")
    async def list_needs(household_id: str = "", status: str = "") -> Any:
        items = [
            n
            for n in state.needs
            if (not household_id or n["household_id"] == household_id)
            and (not status or n["status"] == status)
        ]
        return {"items": items, "next_page_token": None}

    @app.get(f"{API}/households/{{household_id}}/timeline")
    async def timeline(household_id: str) -> Any:
        if household_id not in state.households:
            return problem(404, "Not found", "No such household.")
        household = state.households[household_id]
        return {
            "household_id": household_id,
            "status": household["status"],
            "items": state.timelines.get(household_id, []),
        }

    # --- members -------------------------------------------------------------------------

    def find_member(household_id: str, member_id: str) -> dict[str, Any] | None:
        household = state.households.get(household_id) or {"members": []}
        return next((m for m in household["members"] if m["id"] == member_id), None)

    @app.get(f"{API}/households/{{household_id}}/members/{{member_id}}")
    async def read_member(household_id: str, member_id: str) -> Any:
        member = find_member(household_id, member_id)
        if member is None:
            return problem(404, "Not found", "No such member.")
        return _versioned(member, state.member_versions.get(member_id, 1))

    @app.post(f"{API}/households/{{household_id}}/members", status_code=201)
    async def add_member(request: Request, household_id: str) -> Any:
        if household_id not in state.households:
            return problem(404, "Not found", "No such household.")
        body = await request.json()
        errors = missing(body, "full_name", "gender", "birth_year", "relation")
        citizen_id = body.get("citizen_id")
        if citizen_id is not None and not (len(citizen_id) == 12 and citizen_id.isdigit()):
            errors.append(
                {"pointer": "/citizen_id", "detail": "bad id", "code": "invalid_citizen_id"}
            )
        if errors:
            return invalid(errors)
        members = state.households[household_id]["members"]
        member = {"id": f"{household_id}-m{len(members) + 1}", "household_id": household_id}
        member |= body
        members.append(member)
        return _versioned(member, 1, status=201)

    @app.patch(f"{API}/households/{{household_id}}/members/{{member_id}}")
    async def update_member(request: Request, household_id: str, member_id: str) -> Any:
        member = find_member(household_id, member_id)
        if member is None:
            return problem(404, "Not found", "No such member.")
        version = state.member_versions.get(member_id, 1)
        if request.headers.get("if-match") != f'"v{version}"':
            return problem(412, "The record has changed", "The member has changed.")
        body = await request.json()
        if body.get("full_name") == "":
            errors = [{"pointer": "/full_name", "detail": "too short", "code": "string_too_short"}]
            return invalid(errors)
        member.update(body)
        state.member_versions[member_id] = version + 1
        return _versioned(member, version + 1)
