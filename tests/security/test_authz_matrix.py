"""The authorization matrix: every API endpoint × every kind of caller, with the status each
must get. A route without a row fails the test, so a new endpoint cannot skip this review.

Callers (columns, in this order): anonymous, administrator, commune officer of commune A
(where the records are), commune officer of commune B, agency X (owns the policy, support
and webhook), agency Y (another agency), auditor. Both agencies' keys hold every scope.
Each request runs in a SAVEPOINT that is rolled back, so every cell starts from one world.
Writes send a valid body (and If-Match: *), so the allowed callers get 2xx.
"""

import os

from fastapi.routing import APIRoute, iter_route_contexts

from api.core.dates import today_in_vietnam
from tests.agencies.conftest import support_body
from tests.api.conftest import unique_code
from tests.security.conftest import CITIZEN_ID, HOOK, PRINCIPALS

TODAY = today_in_vietnam().isoformat()

# "METHOD path": statuses for anonymous admin officer_a officer_b agency_x agency_y auditor.
MATRIX = {
    "POST /api/v1/auth/token": "200 200 200 200 200 200 200",
    "POST /api/v1/auth/logout": "401 204 204 204 204 204 204",
    "GET /api/v1/auth/me": "401 200 200 200 200 200 200",
    "POST /api/v1/users": "401 201 403 403 403 403 403",
    "GET /api/v1/users": "401 200 403 403 403 403 403",
    "POST /api/v1/users/me/password": "401 204 204 204 403 403 204",
    "GET /api/v1/users/{user_id}": "401 200 403 403 403 403 403",
    "PATCH /api/v1/users/{user_id}": "401 200 403 403 403 403 403",
    "POST /api/v1/places": "401 201 201 422 403 403 403",
    "GET /api/v1/places": "401 200 200 200 403 403 200",
    "GET /api/v1/places/{place_id}": "401 200 200 404 403 403 200",
    # officer_a 403: {place_id} is their own commune A, and a commune officer changes only
    # the hamlets and quarters below it (the commune's area sets its poverty line).
    "PATCH /api/v1/places/{place_id}": "401 200 403 404 403 403 403",
    "POST /api/v1/households": "401 201 201 422 403 403 403",
    "GET /api/v1/households": "401 200 200 200 403 403 200",
    "GET /api/v1/households/{household_id}": "401 200 200 404 403 403 200",
    "PATCH /api/v1/households/{household_id}": "401 200 200 404 403 403 403",
    "DELETE /api/v1/households/{household_id}": "401 204 204 404 403 403 403",
    "POST /api/v1/households/{household_id}/restore": "401 200 200 404 403 403 403",
    "GET /api/v1/households/{household_id}/members": "401 200 200 404 403 403 200",
    "POST /api/v1/households/{household_id}/members": "401 201 201 404 403 403 403",
    "GET /api/v1/households/{household_id}/members/{member_id}": "401 200 200 404 403 403 200",
    "PATCH /api/v1/households/{household_id}/members/{member_id}": "401 200 200 404 403 403 403",
    "GET /api/v1/ethnicities": "401 200 200 200 403 403 200",
    "GET /api/v1/standards": "401 200 200 200 200 200 200",
    "GET /api/v1/standards/{code}": "401 200 200 200 200 200 200",
    "POST /api/v1/classify": "401 200 200 200 200 200 200",
    "POST /api/v1/households/{household_id}/assessments": "401 201 201 404 403 403 403",
    "GET /api/v1/households/{household_id}/assessments": "401 200 200 404 403 403 200",
    "GET /api/v1/households/{household_id}/assessments/{assessment_id}": "401 200 200 404 403 403 200",  # noqa: E501
    "PATCH /api/v1/households/{household_id}/assessments/{assessment_id}": "401 200 200 404 403 403 403",  # noqa: E501
    "POST /api/v1/households/{household_id}/assessments/{assessment_id}/steps": "401 200 200 404 403 403 403",  # noqa: E501
    "POST /api/v1/needs": "401 201 201 422 403 403 403",
    "GET /api/v1/needs": "401 200 200 200 403 403 200",
    "GET /api/v1/needs/{need_id}": "401 200 200 404 403 403 200",
    "PATCH /api/v1/needs/{need_id}": "401 200 200 404 403 403 403",
    "GET /api/v1/households/{household_id}/timeline": "401 200 200 404 403 403 200",
    "GET /api/v1/households/{household_id}/profile": "401 200 200 404 403 403 200",
    "GET /api/v1/agencies/scopes": "401 200 200 200 200 200 200",
    "POST /api/v1/agencies": "401 201 403 403 403 403 403",
    "GET /api/v1/agencies": "401 200 200 200 200 200 200",
    "GET /api/v1/agencies/{agency_id}": "401 200 200 200 200 404 200",
    "PATCH /api/v1/agencies/{agency_id}": "401 200 403 403 403 403 403",
    "POST /api/v1/agencies/{agency_id}/keys": "401 201 403 403 201 404 403",
    "GET /api/v1/agencies/{agency_id}/keys": "401 200 403 403 200 404 403",
    "POST /api/v1/agencies/{agency_id}/keys/{key_id}/revoke": "401 200 403 403 200 404 403",
    "POST /api/v1/policies": "401 201 403 403 201 201 403",
    "GET /api/v1/policies": "401 200 200 200 200 200 200",
    "GET /api/v1/policies/{policy_id}": "401 200 200 200 200 404 200",
    "PATCH /api/v1/policies/{policy_id}": "401 200 403 403 200 404 403",
    "POST /api/v1/supports": "401 201 201 422 201 422 403",
    "POST /api/v1/supports/bulk": "401 200 200 422 200 422 403",
    "GET /api/v1/supports": "401 200 200 200 200 200 200",
    "GET /api/v1/supports/{support_id}": "401 200 200 404 200 404 200",
    "PATCH /api/v1/supports/{support_id}": "401 200 200 404 200 404 403",
    "GET /api/v1/households/{household_id}/eligibility": "401 200 200 404 200 200 200",
    "POST /api/v1/eligibility/lookup": "401 200 200 404 200 200 200",
    "GET /api/v1/events": "401 200 200 200 200 200 200",
    "GET /api/v1/events/types": "401 200 200 200 200 200 200",
    "POST /api/v1/webhooks": "401 201 403 403 201 201 403",
    "GET /api/v1/webhooks": "401 200 403 403 200 200 403",
    "GET /api/v1/webhooks/{endpoint_id}": "401 200 403 403 200 404 403",
    "PATCH /api/v1/webhooks/{endpoint_id}": "401 200 403 403 200 404 403",
    "DELETE /api/v1/webhooks/{endpoint_id}": "401 204 403 403 204 404 403",
    "POST /api/v1/webhooks/{endpoint_id}/rotate-secret": "401 200 403 403 200 404 403",
    "POST /api/v1/webhooks/{endpoint_id}/test": "401 202 403 403 202 404 403",
    "GET /api/v1/webhooks/{endpoint_id}/deliveries": "401 200 403 403 200 404 403",
    "GET /api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}": "401 200 403 403 200 404 403",
    "POST /api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay": "401 202 403 403 202 404 403",  # noqa: E501
    "POST /api/v1/persons": "401 201 201 422 403 403 403",
    "GET /api/v1/persons": "401 200 200 200 403 403 200",
    "GET /api/v1/persons/{person_id}": "401 200 200 404 403 403 200",
    "PATCH /api/v1/persons/{person_id}": "401 200 200 404 403 403 403",
    "POST /api/v1/assignments": "401 201 201 422 403 403 403",
    "GET /api/v1/assignments": "401 200 200 200 403 403 200",
    "GET /api/v1/assignments/stability": "401 200 200 200 403 403 200",
    "GET /api/v1/assignments/{assignment_id}": "401 200 200 404 403 403 200",
    "POST /api/v1/assignments/{assignment_id}/end": "401 200 200 404 403 403 403",
    "POST /api/v1/visits": "401 201 201 422 403 403 403",
    "GET /api/v1/visits/due": "401 200 200 200 403 403 200",
    "GET /api/v1/visits": "401 200 200 200 403 403 200",
    "GET /api/v1/visits/{visit_id}": "401 200 200 404 403 403 200",
    "POST /api/v1/sponsors": "401 201 201 422 403 403 403",
    "GET /api/v1/sponsors": "401 200 200 200 403 403 200",
    "GET /api/v1/sponsors/{sponsor_id}": "401 200 200 404 403 403 200",
    "PATCH /api/v1/sponsors/{sponsor_id}": "401 200 200 404 403 403 403",
    "POST /api/v1/sponsorships": "401 201 201 422 403 403 403",
    "GET /api/v1/sponsorships": "401 200 200 200 403 403 200",
    "GET /api/v1/sponsorships/report": "401 200 200 200 403 403 200",
    "GET /api/v1/sponsorships/{sponsorship_id}": "401 200 200 404 403 403 200",
    "PATCH /api/v1/sponsorships/{sponsorship_id}": "401 200 200 404 403 403 403",
    "POST /api/v1/sponsorships/{sponsorship_id}/pledges": "401 201 201 404 403 403 403",
    "POST /api/v1/sponsorships/{sponsorship_id}/contributions": "401 201 201 404 403 403 403",
    "GET /api/v1/audit": "401 200 403 403 403 403 200",
    "GET /api/v1/persons-data/export": "401 200 403 403 403 403 403",
    # Issue 6 and 7 routes, rowed while those modules were being written: no valid bodies
    # or records yet, so allowed callers show 422/404 here; who is refused (401/403) holds.
    "GET /api/v1/reports": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/poverty-rate": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/transitions": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/progress": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/supports": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/support-coverage": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/needs": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/visit-coverage": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/workload": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/assignment-stability": "401 200 200 200 403 403 200",
    "GET /api/v1/reports/early-warning": "401 200 200 200 403 403 200",
    "POST /api/v1/targets": "401 422 403 403 403 403 403",
    "GET /api/v1/targets": "401 200 200 200 403 403 200",
    "GET /api/v1/targets/{target_id}": "401 404 404 404 403 403 404",
    "PATCH /api/v1/targets/{target_id}": "401 422 403 403 403 403 403",
    "DELETE /api/v1/targets/{target_id}": "401 404 403 403 403 403 403",
    "POST /api/v1/proposals": "401 422 422 422 403 403 403",
    "GET /api/v1/proposals": "401 200 200 200 403 403 200",
    "POST /api/v1/proposals/submissions": "401 422 403 403 403 403 403",
    "GET /api/v1/proposals/submissions": "401 200 200 200 403 403 200",
    "GET /api/v1/proposals/submissions/{submission_id}": "401 404 404 404 403 403 404",
    "POST /api/v1/proposals/submissions/{submission_id}/decision": "401 422 403 403 403 403 403",
    "GET /api/v1/proposals/{proposal_id}": "401 404 404 404 403 403 404",
    "PATCH /api/v1/proposals/{proposal_id}": "401 422 422 422 403 403 403",
    "POST /api/v1/proposals/{proposal_id}/{action}": "401 422 422 422 403 403 403",
    "POST /api/v1/imports/households": "401 422 422 422 403 403 403",
    "GET /api/v1/imports/households/template": "401 200 200 200 403 403 200",
    "GET /api/v1/imports": "401 200 200 200 403 403 200",
    "GET /api/v1/imports/{import_id}": "401 404 404 404 403 403 404",
    "GET /api/v1/imports/{import_id}/errors": "401 404 404 404 403 403 404",
    "GET /api/v1/duplicates": "401 200 200 200 403 403 200",
    "POST /api/v1/duplicates/dismiss": "401 422 422 422 403 403 403",
    "POST /api/v1/duplicates/merge": "401 422 422 422 403 403 403",
}


def bodies(w: dict) -> dict:
    """A valid body for each write (fresh codes each time), keyed like MATRIX."""
    ids, tree = w["ids"], w["tree"]
    return {
        "POST /api/v1/auth/token": {
            "data": {"username": w["users"]["officer_a"].username, "password": w["password"]}
        },
        "POST /api/v1/users": {
            "username": unique_code("canbo").lower(),
            "password": "mat-khau-rat-dai-2026",
            "full_name": "Cán bộ mới",
            "role": "commune_officer",
            "place_ids": [tree["commune_a"]["id"]],
        },
        "POST /api/v1/users/me/password": {
            "current_password": w["password"],
            "new_password": w["password"] + "-moi",
        },
        "PATCH /api/v1/users/{user_id}": {"full_name": "Lê Văn Cán"},
        "POST /api/v1/places": {
            "code": unique_code("AP"),
            "name": "Ấp Mới",
            "level": "hamlet",
            "parent_id": tree["commune_a"]["id"],
        },
        "PATCH /api/v1/places/{place_id}": {"name": "Hòa Ân mới"},
        "POST /api/v1/households": {
            "code": unique_code("HH"),
            "place_id": tree["hamlet_a"]["id"],
            "head_name": "Sơn Thị Mai",
            "ethnicity": "khmer",
        },
        "PATCH /api/v1/households/{household_id}": {"notes": "Đã gọi điện"},
        "POST /api/v1/households/{household_id}/members": {
            "full_name": "Thạch Bé",
            "gender": "female",
            "birth_year": 2015,
            "relation": "child",
        },
        "PATCH /api/v1/households/{household_id}/members/{member_id}": {"in_school": True},
        "POST /api/v1/classify": {
            "year": 2025,
            "area": "rural",
            "income_per_capita": 1_200_000,
            "deprivations": ["HE2", "WS2", "HO1"],
        },
        "POST /api/v1/households/{household_id}/assessments": {
            "year": 2026,
            "income_per_capita": 1_400_000,
            "deprivations": ["HE2"],
        },
        "PATCH /api/v1/households/{household_id}/assessments/{assessment_id}": {
            "income_per_capita": 1_100_000,
            "deprivations": ["HE2", "WS2", "HO1"],
        },
        "POST /api/v1/households/{household_id}/assessments/{assessment_id}/steps": {
            "step": "surveyed"
        },
        "POST /api/v1/needs": {"household_id": ids["household_id"], "category": "education"},
        "PATCH /api/v1/needs/{need_id}": {"description": "Cần học bổng"},
        "POST /api/v1/agencies": {"code": unique_code("AG"), "name": "Sở Y tế", "kind": "health"},
        "PATCH /api/v1/agencies/{agency_id}": {"name_en": "Social Policy Bank"},
        "POST /api/v1/agencies/{agency_id}/keys": {"scopes": ["events:read"]},
        "POST /api/v1/policies": {
            "code": unique_code("POL"),
            "name": "Hỗ trợ học phí",
            "category": "education",
            "unit": "course",
        },
        "PATCH /api/v1/policies/{policy_id}": {"name_en": "Loans"},
        "POST /api/v1/supports": support_body(
            ids["household_id"], ids["policy_id"], unique_code("REF")
        ),
        "POST /api/v1/supports/bulk": [
            support_body(ids["household_id"], ids["policy_id"], unique_code("REF"))
        ],
        "PATCH /api/v1/supports/{support_id}": {"amount_vnd": 40_000_000},
        "POST /api/v1/eligibility/lookup": {"citizen_id": CITIZEN_ID, "purpose": "Xét cho vay"},
        "POST /api/v1/webhooks": {"url": HOOK, "event_types": ["support.*"]},
        "PATCH /api/v1/webhooks/{endpoint_id}": {"description": "Hệ thống tín dụng"},
        "POST /api/v1/persons": {
            "full_name": "Trần Thị Bích",
            "organisation": "womens_union",
            "place_id": tree["commune_a"]["id"],
        },
        "PATCH /api/v1/persons/{person_id}": {"position": "Chi hội trưởng"},
        "POST /api/v1/assignments": {
            "household_id": ids["household_id"],
            "person_id": ids["person2_id"],
            "start_date": "2026-03-01",
            "reason": "Phân công lại",
        },
        "POST /api/v1/assignments/{assignment_id}/end": {
            "end_date": "2026-06-01",
            "reason": "Chuyển công tác",
        },
        "POST /api/v1/visits": {
            "household_id": ids["household_id"],
            "visitor_id": ids["person_id"],
            "visited_on": TODAY,
            "purpose": "follow_up",
        },
        "POST /api/v1/sponsors": {
            "kind": "business",
            "name": "Cty Hòa Bình",
            "place_id": tree["commune_a"]["id"],
        },
        "PATCH /api/v1/sponsors/{sponsor_id}": {"representative": "Kim Văn Phát"},
        "POST /api/v1/sponsorships": {
            "household_id": ids["household_a2_id"],
            "start_date": TODAY,
            "pledges": [{"sponsor_id": ids["sponsor_id"], "items": "Giống lúa"}],
        },
        "PATCH /api/v1/sponsorships/{sponsorship_id}": {"goal": "Thoát nghèo năm 2027"},
        "POST /api/v1/sponsorships/{sponsorship_id}/pledges": {
            "sponsor_id": ids["sponsor2_id"],
            "items": "Tập huấn",
        },
        "POST /api/v1/sponsorships/{sponsorship_id}/contributions": {
            "support_id": ids["donated_support_id"],
            "sponsor_id": ids["sponsor_id"],
        },
    }


# An administrator names the agency that owns what they create for it.
FOR_ADMIN = {"POST /api/v1/policies", "POST /api/v1/webhooks"}

QUERIES = {
    "GET /api/v1/persons-data/export": {"citizen_id": CITIZEN_ID, "purpose": "Yêu cầu của chủ thể"},
}


def api_routes(app) -> list[str]:
    """Every API operation as "METHOD path" (HEAD left out)."""
    found = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        if not context.path.startswith("/api/v1/"):
            continue
        found += [f"{method} {context.path}" for method in sorted(context.methods - {"HEAD"})]
    return found


class _Ids(dict):
    """The world's ids; a path parameter it has no record for gets an unknown id (the
    answer still shows who may call the route: 401/403 before 404)."""

    def __missing__(self, name: str) -> str:
        return f"unknown_{name}"


def _request(client, w, row: str, who: str):
    method, template = row.split(" ", 1)
    path = template.format_map(_Ids(w["ids"]))
    headers = {**w["headers"][who]}
    if method in ("PATCH", "PUT", "DELETE") or path.endswith(("/restore", "/end")):
        headers["If-Match"] = "*"
    body = bodies(w).get(row)
    if who == "admin" and row in FOR_ADMIN:
        body = {**body, "agency_id": w["ids"]["agency_id"]}
    if isinstance(body, dict) and set(body) == {"data"}:
        return client.request(method, path, data=body["data"], headers=headers)
    return client.request(method, path, json=body, headers=headers, params=QUERIES.get(row))


def test_every_route_has_a_row(app):
    missing = sorted(set(api_routes(app)) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(api_routes(app)))
    assert (missing, stale) == ([], []), "add or remove rows of MATRIX"


def test_matrix(client, app, world, connection):
    failures, actual = [], {}
    for row in api_routes(app):
        got = []
        for who in PRINCIPALS:
            savepoint = connection.begin_nested()
            try:
                response = _request(client, world, row, who)
            finally:
                savepoint.rollback()
            got.append(str(response.status_code))
            if response.status_code >= 500:
                failures.append(f"{row} as {who}: {response.status_code} {response.text[:200]}")
        actual[row] = " ".join(got)
        if MATRIX.get(row) != actual[row]:
            failures.append(f"{row}: expected {MATRIX.get(row)}, got {actual[row]}")
    if os.environ.get("GIAMNGHEO_PRINT_MATRIX"):
        for row, statuses in actual.items():
            print(f'    "{row}": "{statuses}",')
    assert failures == []
