"""An in-memory stand-in for the giamngheo REST API: just the v1 contract the web app uses.

It answers like the real API (problem+json errors, keyset pages, strong ETags, If-Match)
so the web app can be tested without a database. Test code reaches its state through
``app.state.fake``.
"""

import asyncio
import base64
import re
import secrets
from typing import Any

import httpx
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, Response

from tests.web.fake_api_admin import install_admin_routes
from tests.web.fake_api_core import (
    API,
    CRASHING_ID,
    GENDERS,
    MESSAGES,
    PYDANTIC_MESSAGES,
    RELATIONS,
    STATUSES,
    FakeState,
    fold,
    problem,
)
from tests.web.fake_api_field import install_field_routes
from tests.web.fake_api_imports import install_import_routes
from tests.web.fake_api_seed import seed_field_work
from tests.web.fake_api_work import install_fieldwork_routes

__all__ = ["CRASHING_ID", "STATUSES", "FakeState", "build_fake_api", "fold", "problem"]


def _place(pid: str, code: str, name: str, level: str, parent: str | None) -> dict[str, Any]:
    return {
        "id": pid,
        "code": code,
        "name": name,
        "level": level,
        "parent_id": parent,
        "area": "rural" if level in ("commune", "hamlet") else None,
        "valid_from": "2025-07-01",
        "valid_to": None,
    }


def seeded_state() -> FakeState:
    state = FakeState()
    state.users["an.tran"] = {
        "id": "u-1",
        "username": "an.tran",
        "full_name": "Trần Thị An",
        "role": "commune_officer",
        "place_ids": ["p-long-hoa"],
    }
    state.passwords["an.tran"] = "mat-khau-dung"
    state.places = [
        _place("p-tra-vinh", "84", "Tỉnh Trà Vinh", "province", None),
        _place("p-long-hoa", "29365", "Xã Long Hòa", "commune", "p-tra-vinh"),
        _place("p-hoa-minh", "29368", "Xã Hòa Minh", "commune", "p-tra-vinh"),
        _place("p-ap-cho", "2936501", "Ấp Chợ", "hamlet", "p-long-hoa"),
        _place("p-ap-moi", "2936502", "Ấp Mới", "hamlet", "p-long-hoa"),
    ]
    state.ethnicities = [
        {"code": "kinh", "name_vi": "Kinh", "name_en": "Kinh"},
        {"code": "khmer", "name_vi": "Khmer", "name_en": "Khmer"},
        {"code": "hoa", "name_vi": "Hoa", "name_en": "Chinese (Hoa)"},
    ]
    state.add_household(
        id="h-0001",
        code="LH-001",
        place_id="p-ap-cho",
        head_name="Nguyễn Văn A",
        ethnicity="kinh",
        address="Số 12, Ấp Chợ",
        phone="0912345678",
        status="poor",
        meritorious_service=True,
        members=[
            {
                "full_name": "Nguyễn Văn A",
                "gender": "male",
                "birth_year": 1975,
                "relation": "head",
                "ethnicity": "kinh",
                "citizen_id": "********1234",
                "education_level": "secondary",
                "in_school": False,
                "has_health_insurance": True,
                "can_work": True,
                "disability": False,
            },
            {
                "full_name": "Lê Thị Bé",
                "gender": "female",
                "birth_year": 1980,
                "relation": "spouse",
                "ethnicity": "kinh",
                "citizen_id": "********5678",
                "education_level": "primary",
                "in_school": False,
                "has_health_insurance": None,
                "can_work": False,
                "disability": False,
            },
        ],
    )
    state.add_household(
        id="h-0002",
        code="LH-002",
        place_id="p-ap-moi",
        head_name="Thạch Sô Phươl",
        ethnicity="khmer",
        status="near_poor",
    )
    state.add_household(
        id="h-0003",
        code="LH-003",
        place_id="p-ap-moi",
        head_name="Nguyễn Văn Ánh",
        ethnicity="kinh",
        status="not_poor",
    )
    seed_field_work(state)
    return state


def _language(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "vi").startswith("en") else "vi"


def _public(household: dict[str, Any], *, with_members: bool) -> dict[str, Any]:
    body = dict(household)
    if not with_members:
        body.pop("members")
    return body


def _encode_token(household_id: str) -> str:
    return base64.urlsafe_b64encode(household_id.encode()).decode()


def _decode_token(token: str) -> str:
    return base64.urlsafe_b64decode(token.encode()).decode()


def _validate(
    state: FakeState,
    body: dict[str, Any],
    lang: str,
    *,
    partial: bool,
    household_id: str | None = None,
) -> list[dict[str, str]]:
    """The subset of the real API's validation that the web tests exercise: schema errors
    carry pydantic's English message and its error type as ``code``; rule errors carry a
    message in the caller's language (Accept-Language) and no code."""
    errors: list[dict[str, str]] = []

    def schema_error(pointer: str, code: str) -> None:
        errors.append({"pointer": pointer, "detail": PYDANTIC_MESSAGES[code], "code": code})

    def rule_error(pointer: str, key: str) -> None:
        errors.append({"pointer": pointer, "detail": MESSAGES[key][lang]})

    def require_text(container: dict[str, Any], name: str, pointer: str) -> None:
        if name not in container:
            schema_error(pointer, "missing")
        elif not str(container[name] or "").strip():
            schema_error(pointer, "string_too_short")

    for name in ("code", "place_id", "head_name", "ethnicity"):
        if not partial or name in body:
            require_text(body, name, f"/{name}")
    code = body.get("code")
    if code and any(
        h["code"] == code and h["id"] != household_id for h in state.households.values()
    ):
        rule_error("/code", "code_taken")
    phone = body.get("phone")
    if phone and not re.fullmatch(r"\+?[0-9 .-]{8,20}", phone):  # the API's PHONE_PATTERN
        schema_error("/phone", "string_pattern_mismatch")
    place_id = body.get("place_id")
    if place_id and place_id not in {p["id"] for p in state.places}:
        rule_error("/place_id", "unknown_place")
    ethnicity = body.get("ethnicity")
    if ethnicity and ethnicity not in {e["code"] for e in state.ethnicities}:
        rule_error("/ethnicity", "unknown_ethnicity")
    for index, member in enumerate(body.get("members") or []):
        prefix = f"/members/{index}"
        require_text(member, "full_name", f"{prefix}/full_name")
        for name, allowed in (("gender", GENDERS), ("relation", RELATIONS)):
            if name not in member:
                schema_error(f"{prefix}/{name}", "missing")
            elif member[name] not in allowed:
                schema_error(f"{prefix}/{name}", "literal_error")
        citizen_id = member.get("citizen_id")
        if citizen_id is not None and not (len(citizen_id) == 12 and citizen_id.isdigit()):
            rule_error(f"{prefix}/citizen_id", "citizen_id")
        birth_year = member.get("birth_year")
        if isinstance(birth_year, str):
            schema_error(f"{prefix}/birth_year", "int_parsing")
        elif birth_year is not None and not 1900 <= birth_year <= 2026:
            rule_error(f"{prefix}/birth_year", "birth_year")
    return errors


def build_fake_api(state: FakeState | None = None) -> FastAPI:
    state = state or seeded_state()
    app = FastAPI()
    app.state.fake = state

    @app.middleware("http")
    async def record_and_gate(request: Request, call_next):  # type: ignore[no-untyped-def]
        if not request.headers.get(INTERNAL_HEADER):  # the profile asking this fake itself
            state.requests.append(
                {
                    "method": request.method,
                    "path": request.url.path,
                    "query": dict(request.query_params),
                    "headers": dict(request.headers),
                }
            )
        if state.down:
            return problem(503, "Service Unavailable", "maintenance")
        if request.url.path.startswith(f"{API}/auth/token"):
            return await call_next(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token not in state.tokens:
            return problem(401, "Unauthorized", "Missing or invalid bearer token.")
        request.state.username = state.tokens[token]
        request.state.token = token
        return await call_next(request)

    @app.post(f"{API}/auth/token")
    async def issue_token(username: str = Form(""), password: str = Form("")) -> Any:
        if state.passwords.get(username) != password or not password:
            return problem(401, "Unauthorized", "Invalid username or password.")
        token = secrets.token_urlsafe(16)
        state.tokens[token] = username
        return {"access_token": token, "token_type": "bearer", "expires_in": state.token_lifetime}

    @app.post(f"{API}/auth/logout", status_code=204)
    async def revoke_token(request: Request) -> Response:
        state.tokens.pop(request.state.token, None)
        return Response(status_code=204)

    @app.get(f"{API}/auth/me")
    async def me(request: Request) -> Any:
        return state.users[request.state.username]

    @app.get(f"{API}/places")
    async def list_places(
        parent_id: str = "", level: str = "", q: str = "", page_size: int = 50
    ) -> Any:
        items = [
            p
            for p in state.places
            if (not parent_id or p["parent_id"] == parent_id)
            and (not level or p["level"] == level)
            and (not q or fold(q) in fold(p["name"]))
        ]
        return {"items": items[:page_size], "next_page_token": None}

    @app.get(f"{API}/ethnicities")
    async def list_ethnicities() -> Any:
        return {"items": state.ethnicities}

    @app.get(f"{API}/households")
    async def list_households(
        request: Request,
        place_id: str = "",
        status: str = "",
        ethnicity: str = "",
        q: str = "",
        sort: str = "id",
        total: bool = False,
        page_size: int = 50,
        page_token: str = "",
    ) -> Any:
        matches = [
            h
            for h in sorted(state.households.values(), key=lambda h: h["id"])
            if (not place_id or place_id in (h["place_id"], h["commune_id"]))
            and (not status or h["status"] == status)
            and (not ethnicity or h["ethnicity"] == ethnicity)
            and (not q or fold(q) in fold(h["head_name"]) or fold(q) in fold(h["code"]))
        ]
        if sort == "-risk":
            matches.sort(key=lambda h: -1 if h["risk_score"] is None else h["risk_score"])
            matches.reverse()
        if page_token:
            after = _decode_token(page_token)
            matches = [h for h in matches if h["id"] > after]
        page = matches[:page_size]
        next_token = _encode_token(page[-1]["id"]) if len(matches) > page_size else None
        headers = {}
        if next_token:
            headers["Link"] = f'<{request.url.path}?page_token={next_token}>; rel="next"'
        body = {
            "items": [_public(h, with_members=False) for h in page],
            "next_page_token": next_token,
        }
        if total:
            body["total"] = len(matches)
        return JSONResponse(body, headers=headers)

    @app.get(f"{API}/households/{{household_id}}")
    async def get_household(household_id: str) -> Any:
        if household_id == CRASHING_ID:
            raise RuntimeError("a bug in the API")
        if household_id not in state.households:
            return problem(404, "Not Found", "No such household.")
        return JSONResponse(
            _public(state.households[household_id], with_members=True),
            headers={"ETag": state.etag(household_id)},
        )

    @app.post(f"{API}/households", status_code=201)
    async def create_household(request: Request) -> Any:
        body = await request.json()
        errors = _validate(state, body, _language(request), partial=False)
        if errors:
            return problem(
                422, "Unprocessable Content", "The household is not valid.", errors=errors
            )
        record = state.add_household(**body)
        return JSONResponse(
            _public(record, with_members=True),
            status_code=201,
            headers={"ETag": state.etag(record["id"])},
        )

    @app.patch(f"{API}/households/{{household_id}}")
    async def update_household(request: Request, household_id: str) -> Any:
        if household_id not in state.households:
            return problem(404, "Not Found", "No such household.")
        if_match = request.headers.get("if-match")
        if not if_match:
            return problem(428, "Precondition Required", "Send If-Match.")
        if if_match != state.etag(household_id):
            return problem(412, "Precondition Failed", "The household has changed.")
        body = await request.json()
        errors = _validate(state, body, _language(request), partial=True, household_id=household_id)
        if errors:
            return problem(
                422, "Unprocessable Content", "The changes are not valid.", errors=errors
            )
        state.households[household_id].update(body)
        state.versions[household_id] += 1
        return JSONResponse(
            _public(state.households[household_id], with_members=True),
            headers={"ETag": state.etag(household_id)},
        )

    install_profile_route(app)
    install_field_routes(app, state)
    install_fieldwork_routes(app, state)
    install_admin_routes(app, state)
    install_import_routes(app, state)
    return app


INTERNAL_HEADER = "x-fake-internal"
PROFILE_SECTIONS = {
    "timeline": "/households/{id}/timeline",
    "assessments": "/households/{id}/assessments?page_size=50",
    "needs": "/needs?household_id={id}&page_size=200",
    "supports": "/supports?household_id={id}&page_size=100",
    "visits": "/visits?household_id={id}&page_size=10",
    "assignments": "/assignments?household_id={id}&page_size=500",
    "sponsorships": "/sponsorships?household_id={id}&page_size=50",
}


def install_profile_route(app: FastAPI) -> None:
    """GET /households/{id}/profile as the real API defines it: the answers of the single
    endpoints side by side (asked of this fake itself), with the places they name."""

    @app.get(f"{API}/households/{{household_id}}/profile")
    async def profile(request: Request, household_id: str) -> Any:
        forwarded = {
            name: value
            for name, value in request.headers.items()
            if name in ("authorization", "accept-language")
        }
        forwarded[INTERNAL_HEADER] = "1"
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://fake", headers=forwarded
        ) as own:
            household = await own.get(f"{API}/households/{household_id}")
            if household.status_code != 200:
                return Response(
                    household.content, household.status_code, media_type="application/json"
                )
            paths = [path.format(id=household_id) for path in PROFILE_SECTIONS.values()]
            answers = await asyncio.gather(*(own.get(API + path) for path in paths))
            places = (await own.get(f"{API}/places", params={"page_size": 500})).json()["items"]
        body = household.json()
        named = {body["place_id"], body["commune_id"]}
        named |= {m[key] for m in body.get("moves", []) for key in ("from_place_id", "to_place_id")}
        return {
            "household": body,
            "household_etag": household.headers.get("ETag", ""),
            "places": [p for p in places if p["id"] in named],
            **{name: answer.json() for name, answer in zip(PROFILE_SECTIONS, answers, strict=True)},
        }
