"""The fake API's administration and reporting endpoints: places (adding), users, agencies
and their keys, targets, and the reports (JSON, CSV and xlsx bytes).

Shapes follow api/users, api/places, api/agencies and api/reports; the reports answer with
fixed figures that tests set in ``FakeState.reports``-free code below.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.web.fake_api_core import API, FakeState, problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCOPES = {
    "supports:read": "Read the supports the agency recorded",
    "supports:write": "Record supports (single and bulk)",
}
POVERTY_BY_YEAR = {2022: (50, 9), 2023: (52, 7), 2024: (53, 6), 2025: (55, 5), 2026: (60, 3)}


def _is_admin(state: FakeState, request: Request) -> bool:
    return state.users[request.state.username]["role"] == "admin"


def _forbidden() -> JSONResponse:
    return problem(403, "Not allowed", "Administrators only.")


def _missing(body: dict[str, Any], *names: str) -> list[dict[str, str]]:
    return [
        {"pointer": f"/{name}", "detail": "Field required", "code": "missing"}
        for name in names
        if body.get(name) in (None, "", [])
    ]


def _invalid(errors: list[dict[str, str]]) -> JSONResponse:
    return problem(422, "Invalid input", "invalid", errors=errors)


def poverty_rate(state: FakeState, year: int | None, place_id: str) -> dict[str, Any]:
    year = year or 2026
    households, poor = POVERTY_BY_YEAR.get(year, (0, 0))
    poor += (
        sum(1 for h in state.households.values() if h["status"] == "poor") if year == 2026 else 0
    )

    def row(key: str | None, label: str, n: int, p: int) -> dict[str, Any]:
        return {
            "key": key,
            "label": label,
            "households": n,
            "poor": p,
            "near_poor": 2,
            "poor_rate": round(100 * p / n, 2) if n else None,
            "near_poor_rate": round(200 / n, 2) if n else None,
            "poor_without_labour_capacity": 0,
        }

    rows = [row("p-ap-cho", "Ấp Chợ", households // 2, poor // 2)]
    rows.append(row("p-ap-moi", "Ấp Mới", households - households // 2, poor - poor // 2))
    return {
        "year": year,
        "place": None,
        "by": "place",
        "ethnicity": None,
        "rows": rows,
        "total": row(None, "Tổng cộng", households, poor),
    }


def transitions(from_year: int, to_year: int) -> dict[str, Any]:
    rows = [
        {
            "key": year,
            "label": str(year),
            "baseline": year == from_year,  # the API flags the scope's first review year
            "newly_poor": 1,
            "re_poor": 0,
            "escaped_poverty": 3,
            "newly_near_poor": 1,
            "escaped_near_poverty": 1,
        }
        for year in range(from_year, to_year + 1)
    ]
    total = {
        k: sum(r[k] for r in rows[1:]) for k in rows[0] if k not in ("key", "label", "baseline")
    }
    return {
        "from_year": from_year,
        "to_year": to_year,
        "place": None,
        "by": "year",
        "rows": rows,
        "total": {"key": None, "label": "Tổng cộng", **total},
    }


def early_warning() -> dict[str, Any]:
    return {
        "place": None,
        "min_score": 0,
        "total": 1,
        "bands": {"high": 1, "medium": 0, "low": 0},
        "truncated": False,
        "rows": [
            {
                "household_id": "h-0002",
                "code": "LH-002",
                "head_name": "Thạch Sô Phươl",
                "commune": "Xã Long Hòa",
                "place": "Ấp Mới",
                "status": "near_poor",
                "risk_score": 72,
                "band": "high",
                "reasons": [
                    {
                        "code": "shock:illness",
                        "points": 30,
                        "vi": "Có người ốm nặng.",
                        "en": "A member is seriously ill.",
                    }
                ],
                "next_visit_due_on": "2026-12-01",
                "person_in_charge": "Lâm Văn Tư",
            }
        ],
    }


def supports_report() -> dict[str, Any]:
    row = {"key": "credit", "label": "Tín dụng ưu đãi", "households": 4, "records": 5}
    row["amount_vnd"] = 150_000_000
    return {
        "date_from": "2026-01-01",
        "date_to": "2026-12-31",
        "place": None,
        "by": "category",
        "rows": [row],
        "total": {**row, "key": None, "label": "Tổng cộng"},
    }


def other_report(name: str) -> dict[str, Any] | None:
    """The remaining reports, one row each, in the API's shapes (api/reports/schemas.py)."""
    rows: dict[str, dict[str, Any]] = {
        "support-coverage": {
            "key": "health",
            "label": "Y tế",
            "poor_households": 20,
            "poor_reached": 18,
            "poor_rate": 90.0,
            "near_poor_households": 40,
            "near_poor_reached": 30,
            "near_poor_rate": 75.0,
        },
        "needs": {
            "key": "housing",
            "label": "Nhà ở",
            "open_needs": 7,
            "households": 6,
            "poor_households": 4,
            "near_poor_households": 2,
            "met_in_year": 3,
        },
        "visit-coverage": {
            "key": "p-ap-cho",
            "label": "Ấp Chợ",
            "households": 10,
            "visited": 8,
            "visited_rate": 80.0,
            "visited_on_schedule": 6,
            "on_schedule_rate": 60.0,
            "visits": 15,
        },
        "workload": {
            "key": "per-1",
            "label": "Lâm Văn Tư",
            "organisation": "womens_union",
            "place": "Ấp Mới",
            "households": 5,
            "poor": 2,
            "near_poor": 3,
            "visits": 9,
            "households_visited": 5,
        },
    }
    if name == "progress":
        target = {
            "id": "t-1",
            "place_id": "p-long-hoa",
            "place": {
                "id": "p-long-hoa",
                "code": "29365",
                "name": "Xã Long Hòa",
                "level": "commune",
            },
            "year": 2027,
            "kind": "poor",
            "max_rate": 4.0,
            "source_note": None,
        }
        row = {
            "target": target,
            "kind": "poor",
            "max_rate": 4.0,
            "actual_year": 2026,
            "actual_rate": 6.67,
            "gap": 2.67,
            "years_left": 1,
            "yearly_pace_needed": 2.67,
            "status": "behind",
        }
        return {"place": None, "rows": [row]}
    if name not in rows:
        return None
    row = rows[name]
    return {"year": 2026, "place": None, "rows": [row], "total": {**row, "key": None}}


def install_admin_routes(app: FastAPI, state: FakeState) -> None:  # noqa: C901 - a route table
    @app.post(f"{API}/places", status_code=201)
    async def create_place(request: Request) -> Any:
        body = await request.json()
        errors = _missing(body, "code", "name", "level")
        if errors:
            return _invalid(errors)
        place = {"id": f"p-new-{len(state.places)}", "area": None, "valid_to": None, **body}
        place.setdefault("parent_id", None)
        state.places.append(place)
        return JSONResponse(place, status_code=201)

    @app.get(f"{API}/users")
    async def list_users(request: Request) -> Any:
        if not _is_admin(state, request):
            return _forbidden()
        items = [{"is_active": True, **user} for user in state.users.values()]
        return {"items": items, "next_page_token": None}

    @app.get(f"{API}/users/{{user_id}}")
    async def read_user(user_id: str) -> Any:
        user = next((u for u in state.users.values() if u["id"] == user_id), None)
        if user is None:
            return problem(404, "Not found", "No such user.")
        version = state.user_versions.get(user_id, 1)
        return JSONResponse({"is_active": True, **user}, headers={"ETag": f'"v{version}"'})

    @app.patch(f"{API}/users/{{user_id}}")
    async def update_user(request: Request, user_id: str) -> Any:
        user = next(u for u in state.users.values() if u["id"] == user_id)
        version = state.user_versions.get(user_id, 1)
        if request.headers.get("if-match") != f'"v{version}"':
            return problem(412, "The record has changed", "The user has changed.")
        user.update(await request.json())
        state.user_versions[user_id] = version + 1
        return JSONResponse(user, headers={"ETag": f'"v{version + 1}"'})

    @app.post(f"{API}/users", status_code=201)
    async def create_user(request: Request) -> Any:
        if not _is_admin(state, request):
            return _forbidden()
        body = await request.json()
        errors = _missing(body, "username", "password", "full_name", "role")
        if body.get("username") and not body["username"].islower():
            errors.append(
                {"pointer": "/username", "detail": "pattern", "code": "string_pattern_mismatch"}
            )
        if errors:
            return _invalid(errors)
        user = {k: v for k, v in body.items() if k != "password"}
        user |= {"id": f"u-{len(state.users) + 1}", "is_active": True}
        state.users[body["username"]] = user
        state.passwords[body["username"]] = body["password"]
        return JSONResponse(user, status_code=201)

    @app.get(f"{API}/agencies/scopes")
    async def list_scopes() -> Any:
        return [{"scope": scope, "description": text} for scope, text in SCOPES.items()]

    @app.get(f"{API}/agencies")
    async def list_agencies() -> Any:
        return {"items": state.agencies, "next_page_token": None}

    @app.post(f"{API}/agencies", status_code=201)
    async def create_agency(request: Request) -> Any:
        if not _is_admin(state, request):
            return _forbidden()
        body = await request.json()
        errors = _missing(body, "code", "name", "kind")
        if errors:
            return _invalid(errors)
        agency = {"id": f"ag-{len(state.agencies) + 1}", "is_active": True, "place_ids": []}
        agency |= {"name_en": None, **body}
        state.agencies.append(agency)
        return JSONResponse(agency, status_code=201)

    @app.get(f"{API}/agencies/{{agency_id}}")
    async def read_agency(agency_id: str) -> Any:
        agency = next((a for a in state.agencies if a["id"] == agency_id), None)
        return agency if agency else problem(404, "Not found", "No such agency.")

    @app.get(f"{API}/agencies/{{agency_id}}/keys")
    async def list_keys(agency_id: str) -> Any:
        return {"items": [k for k in state.keys if k["agency_id"] == agency_id]}

    @app.post(f"{API}/agencies/{{agency_id}}/keys", status_code=201)
    async def create_key(request: Request, agency_id: str) -> Any:
        body = await request.json()
        if not body.get("scopes"):
            return _invalid(
                [
                    {
                        "pointer": "/scopes",
                        "detail": "List should have at least 1 item",
                        "code": "too_short",
                    }
                ]
            )
        key = {
            "id": f"key-{len(state.keys) + 1}",
            "agency_id": agency_id,
            "name": body.get("name"),
            "prefix": "gn_abcdefgh",
            "scopes": body["scopes"],
            "created_at": "2026-11-28T08:00:00Z",
            "expires_at": body.get("expires_at"),
            "revoked_at": None,
            "last_used_at": None,
            "live": True,
        }
        state.keys.append(key)
        return JSONResponse({**key, "key": "gn_abcdefgh-the-secret-key"}, status_code=201)

    @app.post(f"{API}/agencies/{{agency_id}}/keys/{{key_id}}/revoke")
    async def revoke_key(agency_id: str, key_id: str) -> Any:
        key = next(k for k in state.keys if k["id"] == key_id)
        key |= {"live": False, "revoked_at": "2026-11-28T09:00:00Z"}
        return key

    # --- reports and targets -------------------------------------------------------------------

    @app.get(f"{API}/reports/{{name}}")
    async def report(request: Request, name: str) -> Any:
        if not state.reports_available:
            return problem(404, "Not Found", "Not Found")
        query = request.query_params
        fmt = query.get("format", "json")
        if fmt == "xlsx":
            headers = {"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
            return Response(b"PK\x03\x04fake-xlsx", media_type=XLSX, headers=headers)
        if fmt == "csv":
            headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
            return Response(
                "\ufeffĐịa bàn,Số hộ\r\n".encode(),
                media_type="text/csv; charset=utf-8",
                headers=headers,
            )
        if name == "poverty-rate":
            year = int(query["year"]) if query.get("year") else None
            return poverty_rate(state, year, query.get("place_id", ""))
        if name == "transitions":
            return transitions(int(query["from_year"]), int(query["to_year"]))
        if name == "early-warning":
            return early_warning()
        if name == "supports":
            return supports_report()
        other = other_report(name)
        return other if other is not None else problem(404, "Not Found", "Not Found")

    @app.get(f"{API}/targets")
    async def list_targets(place_id: str = "", kind: str = "") -> Any:
        items = [
            t
            for t in state.targets
            if (not place_id or t["place_id"] == place_id) and (not kind or t["kind"] == kind)
        ]
        return {"items": items, "next_page_token": None}

    @app.get(f"{API}/targets/{{target_id}}")
    async def read_target(target_id: str) -> Any:
        target = next((t for t in state.targets if t["id"] == target_id), None)
        if target is None:
            return problem(404, "Not found", "No such target.")
        return JSONResponse(target, headers={"ETag": '"v1"'})

    @app.post(f"{API}/targets", status_code=201)
    async def create_target(request: Request) -> Any:
        if not _is_admin(state, request):
            return _forbidden()
        body = await request.json()
        errors = _missing(body, "place_id", "year", "max_rate")
        if isinstance(body.get("max_rate"), str):
            errors.append(
                {"pointer": "/max_rate", "detail": "not a number", "code": "decimal_parsing"}
            )
        if errors:
            return _invalid(errors)
        target = {"id": f"t-{len(state.targets) + 1}", "place": None, "source_note": None, **body}
        state.targets.append(target)
        return JSONResponse(target, status_code=201)

    @app.delete(f"{API}/targets/{{target_id}}", status_code=204)
    async def delete_target(request: Request, target_id: str) -> Response:
        if request.headers.get("if-match") != '"v1"':
            return problem(428, "If-Match header required", "Send If-Match.")
        state.targets = [t for t in state.targets if t["id"] != target_id]
        return Response(status_code=204)
