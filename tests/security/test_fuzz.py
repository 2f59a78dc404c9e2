"""Fuzzing the whole OpenAPI document with schemathesis, in-process against the ASGI app.

Every operation under /api/v1 is called with generated input (valid and invalid), once as an
administrator and once as an agency's key with every scope, on each backend. Each answer
must not be a 5xx, must have a documented status and content type and match its schema, and
every 4xx/5xx must be application/problem+json. About half the generated path ids are
swapped for real ones, so the calls reach past "404 not found" into the handlers.

GIAMNGHEO_FUZZ_EXAMPLES sets the examples per operation and caller (default 5, which keeps
the test near a minute per backend in CI); GIAMNGHEO_FUZZ_REPORT=file appends the cases run
per operation to that file.
"""

import itertools
import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from api.errors import PROBLEM_JSON
from api.main import create_app
from tests.conftest import make_settings

EXAMPLES = int(os.environ.get("GIAMNGHEO_FUZZ_EXAMPLES", "5"))
CALLERS = ("admin", "agency")

# The document only: building it touches no database.
# Generated cases only (bounded by max_examples): the coverage phase's boundary cases are
# unbounded in number, and stateful runs need a live server.
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
SCHEMA = schemathesis.openapi.from_asgi(
    "/api/openapi.json", create_app(make_settings("sqlite://"), with_web=False), config=CONFIG
).include(path_regex="^/api/v1/")

CASES: Counter = Counter()
_swap = itertools.count()


@schemathesis.check
def problem_json_errors(ctx, response, case):
    """Every 4xx/5xx answer is RFC 9457 problem+json with its members."""
    if response.status_code < 400:
        return None
    media_type = response.headers.get("content-type", [""])[0].split(";")[0]
    assert media_type == PROBLEM_JSON, f"{response.status_code} answered as {media_type!r}"
    body = response.json()
    assert body["status"] == response.status_code, body
    assert all(isinstance(body[key], str) and body[key] for key in ("type", "title", "detail"))
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_json_errors,
]


@pytest.fixture
def fuzz_ids(client, admin, tree, make_household, make_agency, make_key, make_policy):
    """Real records whose ids replace generated ones in half the calls, and the callers."""
    household = make_household(
        tree["hamlet_a"]["id"],
        members=[
            {"full_name": "Thạch Sơn", "gender": "male", "birth_year": 1990, "relation": "head"}
        ],
    )
    agency = make_agency()
    agency_headers, key = make_key(agency["id"])
    policy = make_policy(agency_headers)
    return {
        "headers": {"admin": admin, "agency": agency_headers},
        "ids": {
            "place_id": tree["commune_a"]["id"],
            "household_id": household["id"],
            "member_id": household["members"][0]["id"],
            "agency_id": agency["id"],
            "key_id": key["id"],
            "policy_id": policy["id"],
            "code": "ND07-2021",
        },
    }


@pytest.mark.parametrize("caller", CALLERS)
@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_fuzz(case, caller, app, fuzz_ids):
    if case.path_parameters and next(_swap) % 2:
        for name in case.path_parameters:
            if name in fuzz_ids["ids"]:
                case.path_parameters[name] = fuzz_ids["ids"][name]
    CASES[(f"{case.method} {case.path}", caller)] += 1
    case.call_and_validate(app=app, headers=fuzz_ids["headers"][caller], checks=CHECKS)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    target = os.environ.get("GIAMNGHEO_FUZZ_REPORT")
    if target and CASES:
        with open(target, "a", encoding="utf-8") as out:
            for (operation, caller), cases in sorted(CASES.items()):
                out.write(f"{operation}\t{caller}\t{cases}\n")
