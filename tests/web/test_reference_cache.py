"""The web app's short-lived cache of reference lists: per caller, per language, dropped on
the caller's own writes, expired after its time."""

import httpx
import pytest

from web.client import ApiClient
from web.reference_cache import ReferenceCache

pytestmark = pytest.mark.anyio

PLACES = {"items": [], "next_page_token": None}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def api_counting(calls: list[str]):  # type: ignore[no-untyped-def]
    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path} {request.headers.get('authorization')}")
        if request.method == "GET" and request.url.path == "/api/v1/ethnicities":
            return httpx.Response(200, json={"items": []})
        if request.method == "GET":
            return httpx.Response(200, json=PLACES, headers={"ETag": '"v1"'})
        return httpx.Response(201, json={"id": "pl_1"})

    return httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://api")


async def test_a_second_read_of_a_list_comes_from_the_cache_until_it_expires() -> None:
    calls: list[str] = []
    clock = Clock()
    cache = ReferenceCache(ttl=60, clock=clock)
    api = ApiClient(api_counting(calls), token="t1", cache=cache)
    await api.list_places(page_size=500)
    await api.list_places(page_size=500)
    await api.list_ethnicities()
    await api.list_ethnicities()
    assert len(calls) == 2
    clock.now += 61
    await api.list_places(page_size=500)
    assert len(calls) == 3


async def test_callers_and_languages_do_not_share_entries() -> None:
    calls: list[str] = []
    cache = ReferenceCache(ttl=60)
    http = api_counting(calls)
    await ApiClient(http, token="officer", cache=cache).list_places(page_size=500)
    await ApiClient(http, token="admin", cache=cache).list_places(page_size=500)
    await ApiClient(http, token="admin", locale="en", cache=cache).list_places(page_size=500)
    assert calls == [
        "GET /api/v1/places Bearer officer",
        "GET /api/v1/places Bearer admin",
        "GET /api/v1/places Bearer admin",
    ]


async def test_a_write_by_the_caller_empties_their_entries_and_one_record_is_never_cached() -> None:
    calls: list[str] = []
    cache = ReferenceCache(ttl=60)
    http = api_counting(calls)
    api = ApiClient(http, token="t1", cache=cache)
    other = ApiClient(http, token="t2", cache=cache)
    await api.list_places(page_size=500)
    await other.list_places(page_size=500)
    await api._send("POST", "/api/v1/places", json={"code": "X"})
    await api.list_places(page_size=500)
    await other.list_places(page_size=500)  # someone else's entry stays until it expires
    await api._send("GET", "/api/v1/places/pl_1")
    await api._send("GET", "/api/v1/places/pl_1")
    assert [c.split(" ")[1] for c in calls] == [
        "/api/v1/places",
        "/api/v1/places",
        "/api/v1/places",  # the write
        "/api/v1/places",
        "/api/v1/places/pl_1",
        "/api/v1/places/pl_1",
    ]


async def test_the_least_recently_used_entry_goes_first() -> None:
    cache = ReferenceCache(ttl=60, max_entries=2)
    cache.put(("a", "vi", "/1"), b"1")
    cache.put(("a", "vi", "/2"), b"2")
    assert cache.get(("a", "vi", "/1")) == b"1"
    cache.put(("a", "vi", "/3"), b"3")
    assert (cache.get(("a", "vi", "/1")), cache.get(("a", "vi", "/2"))) == (b"1", None)
