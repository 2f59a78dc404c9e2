"""The API client on its own: problem+json, unavailability, paths and headers."""

import json

import httpx
import pytest

from web.client import ApiClient, ApiError, ApiUnavailable, FieldProblem

pytestmark = pytest.mark.anyio


def client_answering(handler, **kwargs) -> ApiClient:  # type: ignore[no-untyped-def]
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://api")
    return ApiClient(http, **kwargs)


async def test_a_validation_problem_becomes_an_api_error_with_its_pointers() -> None:
    body = {
        "type": "https://giamngheo/problems/validation",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "The household is not valid.",
        "errors": [
            {"pointer": "/members/0/citizen_id", "detail": "12 chữ số"},
            {"pointer": "/head_name", "detail": "Field required", "code": "missing"},
        ],
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json=body, headers={"Content-Type": "application/problem+json"})

    with pytest.raises(ApiError) as raised:
        await client_answering(answer).create_household({})
    assert raised.value.status == 422
    assert raised.value.title == "Unprocessable Content"
    assert raised.value.detail == "The household is not valid."
    assert raised.value.type == "https://giamngheo/problems/validation"
    assert raised.value.errors == [
        FieldProblem("/members/0/citizen_id", "12 chữ số", None),
        FieldProblem("/head_name", "Field required", "missing"),
    ]


async def test_a_body_that_is_not_json_still_gives_an_api_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="<html>oops</html>")

    with pytest.raises(ApiError) as raised:
        await client_answering(answer).me()
    assert (raised.value.status, raised.value.title, raised.value.errors) == (
        500,
        "Internal Server Error",
        [],
    )


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_gateway_saying_the_api_is_down_means_unavailable(status: int) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status)

    with pytest.raises(ApiUnavailable):
        await client_answering(answer).me()


async def test_a_connection_failure_means_unavailable() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ApiUnavailable):
        await client_answering(answer).me()


async def test_sends_the_token_the_language_and_a_quoted_id() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"title": "Not Found", "status": 404})

    with pytest.raises(ApiError):
        await client_answering(answer, token="tok", locale="en").get_household("a/b?c")
    [request] = seen
    assert request.url.raw_path == b"/api/v1/households/a%2Fb%3Fc"
    assert request.headers["authorization"] == "Bearer tok"
    assert request.headers["accept-language"] == "en"


async def test_update_sends_if_match_and_returns_the_new_etag() -> None:
    seen: list[httpx.Request] = []
    household = {
        "id": "h-1",
        "code": "LH-1",
        "place_id": "p",
        "head_name": "A",
        "ethnicity": "kinh",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=household, headers={"ETag": '"v2"'})

    updated = await client_answering(answer).update_household(
        "h-1", {"head_name": "A"}, etag='"v1"'
    )
    assert updated.etag == '"v2"'
    assert updated.value.head_name == "A"
    assert seen[0].method == "PATCH"
    assert seen[0].headers["if-match"] == '"v1"'
    assert json.loads(seen[0].content) == {"head_name": "A"}


async def test_blank_filters_are_not_sent() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [], "next_page_token": None})

    page = await client_answering(answer).list_households(q="", status="poor", place_id=None)
    assert page.items == []
    assert dict(seen[0].url.params) == {"status": "poor"}
