"""The fake API's records of field work: policies and supports, people, assignments,
visits and the due list, sponsorships (shapes of api/policies, api/supports, api/people,
api/visits and api/sponsors; only the rules the web tests exercise)."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.web.fake_api_core import API, FakeState, problem
from tests.web.fake_api_field import invalid, missing, vietnam_today


def install_fieldwork_routes(app: FastAPI, state: FakeState) -> None:  # noqa: C901 - a table
    # --- policies and supports --------------------------------------------------------------

    @app.get(f"{API}/policies")
    async def list_policies(active: str = "") -> Any:
        items = [p for p in state.policies if not active or str(p["is_active"]).lower() == active]
        return {"items": items, "next_page_token": None}

    @app.post(f"{API}/policies", status_code=201)
    async def create_policy(request: Request) -> Any:
        if state.users[request.state.username]["role"] != "admin":
            return problem(403, "Not allowed", "Administrators only.")
        body = await request.json()
        errors = missing(body, "code", "name", "category", "unit")
        if errors:
            return invalid(errors)
        policy = {"id": f"pol-{len(state.policies) + 1}", "is_active": True, **body}
        policy.setdefault("agency_id", "ag-1")
        state.policies.append(policy)
        return JSONResponse(policy, status_code=201)

    @app.get(f"{API}/supports")
    async def list_supports(household_id: str = "") -> Any:
        items = [s for s in state.supports if s["household_id"] == household_id]
        return {"items": items, "next_page_token": None}

    @app.post(f"{API}/supports", status_code=201)
    async def record_support(request: Request) -> Any:
        body = await request.json()
        errors = missing(body, "delivered_on")
        if not body.get("policy_id"):
            errors.append({"pointer": "", "detail": "give policy_id", "code": "policy_required"})
        if body.get("amount_vnd") is None and body.get("quantity") is None:
            errors.append({"pointer": "", "detail": "give an amount", "code": "measure_required"})
        if isinstance(body.get("amount_vnd"), str):
            errors.append(
                {"pointer": "/amount_vnd", "detail": "not an integer", "code": "int_parsing"}
            )
        if errors:
            return invalid(errors)
        policy = next(p for p in state.policies if p["id"] == body["policy_id"])
        support = {
            "id": f"sup-{len(state.supports) + 1}",
            "agency_id": policy["agency_id"],
            "category": policy["category"],
            "funding_source": body.get("funding_source") or policy["default_funding_source"],
            "status": "delivered",
            "amount_vnd": None,
            "quantity": None,
            "note": None,
            "need_id": None,
            **body,
        }
        state.supports.append(support)
        return JSONResponse(support, status_code=201)

    # --- people, assignments, visits -----------------------------------------------------------

    @app.get(f"{API}/persons")
    async def list_persons(place_id: str = "", user_id: str = "", active: str = "") -> Any:
        def inside(person: dict[str, Any]) -> bool:
            if not place_id:
                return True
            place = next(p for p in state.places if p["id"] == person["place_id"])
            return place_id in (place["id"], place["parent_id"])

        items = [
            p
            for p in state.persons
            if inside(p)
            and (not user_id or p.get("user_id") == user_id)
            and (not active or str(p["is_active"]).lower() == active)
        ]
        return {"items": items, "next_page_token": None}

    @app.post(f"{API}/persons", status_code=201)
    async def create_person(request: Request) -> Any:
        body = await request.json()
        errors = missing(body, "full_name", "organisation", "place_id")
        if errors:
            return invalid(errors)
        if body.get("user_id") and any(p.get("user_id") == body["user_id"] for p in state.persons):
            errors = [{"pointer": "/user_id", "detail": "linked already"}]
            return problem(409, "Conflict", "This user already has a person record.", errors=errors)
        person = {"id": f"per-{len(state.persons) + 1}", "is_active": True, "user_id": None}
        person |= body
        state.persons.append(person)
        return JSONResponse(person, status_code=201)

    def summary(person_id: str) -> dict[str, Any] | None:
        person = next((p for p in state.persons if p["id"] == person_id), None)
        if person is None:
            return None
        return {k: person[k] for k in ("id", "full_name", "organisation")}

    @app.get(f"{API}/assignments")
    async def list_assignments(household_id: str = "", active: str = "") -> Any:
        items = [
            {**a, "person": summary(a["person_id"])}
            for a in state.assignments
            if (not household_id or a["household_id"] == household_id)
            and (not active or str(a["active"]).lower() == active)
        ]
        return {"items": items, "next_page_token": None}

    @app.post(f"{API}/assignments", status_code=201)
    async def create_assignment(request: Request) -> Any:
        body = await request.json()
        errors = missing(body, "person_id", "start_date", "reason")
        if errors:
            return invalid(errors)
        for current in state.assignments:
            if current["household_id"] == body["household_id"] and current["active"]:
                if current["person_id"] == body["person_id"]:
                    errors = [{"pointer": "/person_id", "detail": "already in charge"}]
                    return problem(409, "Conflict", "Already in charge.", errors=errors)
                current["active"], current["end_date"] = False, body["start_date"]
        assignment = {
            "id": f"asg-{len(state.assignments) + 1}",
            "household_id": body["household_id"],
            "person_id": body["person_id"],
            "start_date": body["start_date"],
            "end_date": None,
            "active": True,
            "reason": body["reason"],
        }
        state.assignments.append(assignment)
        return JSONResponse({**assignment, "person": summary(body["person_id"])}, status_code=201)

    @app.get(f"{API}/visits/due")
    async def visits_due(
        within_days: int = 7, place_id: str = "", person_id: str = "", page_size: int = 50
    ) -> Any:
        items = [
            item
            for item in state.due
            if item["days_overdue"] >= -within_days
            and (not person_id or (item.get("person_in_charge") or {}).get("id") == person_id)
        ]
        return {
            "as_of": "2026-11-28",
            "within_days": within_days,
            "items": items[:page_size],
            "next_page_token": None,
            "summary": {
                "due": len(items),
                "overdue": sum(1 for item in items if item["overdue"]),
                "by_person": [],
                "by_place": [],
            },
        }

    @app.get(f"{API}/visits")
    async def list_visits(household_id: str = "", page_size: int = 50) -> Any:
        items = [v for v in state.visits if v["household_id"] == household_id]
        return {"items": items[:page_size], "next_page_token": None}

    @app.post(f"{API}/visits", status_code=201)
    async def record_visit(request: Request) -> Any:
        body = await request.json()
        errors = missing(body, "visitor_id", "visited_on", "purpose")
        visited_on = body.get("visited_on")
        if visited_on and visited_on > vietnam_today().isoformat():
            errors.append(
                {"pointer": "/visited_on", "detail": "in the future", "code": "date_in_future"}
            )
        if errors:
            return invalid(errors)
        visit = {
            "id": f"vis-{len(state.visits) + 1}",
            "visitor": summary(body["visitor_id"]),
            "income_change": "unknown",
            "shocks": [],
            **body,
        }
        state.visits.append(visit)
        return JSONResponse(visit, status_code=201)

    @app.get(f"{API}/sponsorships")
    async def list_sponsorships(household_id: str = "") -> Any:
        items = [s for s in state.sponsorships if s["household_id"] == household_id]
        return {"items": items, "next_page_token": None}
