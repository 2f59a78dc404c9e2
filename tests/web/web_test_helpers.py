"""Helpers for the web tests: reading tokens and fields out of HTML, signing in."""

import html
import re
from html.parser import HTMLParser

import httpx
from starlette.types import ASGIApp

SECRET_KEY = "test-secret-key-not-for-production"
BASE_URL = "http://testserver"
USERNAME = "an.tran"
PASSWORD = "mat-khau-dung"
HX = {"HX-Request": "true"}


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', page)
    assert match is not None, f"no hidden field {name!r}"
    return html.unescape(match.group(1))


def csrf_token(page: str) -> str:
    return hidden_value(page, "csrf_token")


def browser_for(app: ASGIApp, *, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    """An httpx client that keeps cookies like a browser and never follows redirects, so
    tests see each 303."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, follow_redirects=False)


async def sign_in(
    client: httpx.AsyncClient, username: str = USERNAME, password: str = PASSWORD
) -> str:
    """Sign in through the login form; returns the CSRF token of the signed-in session."""
    token = csrf_token((await client.get("/login")).text)
    response = await client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password, "next": "/"},
    )
    assert response.status_code == 303, response.text
    return csrf_token((await client.get("/")).text)


class TagCollector(HTMLParser):
    """Every start tag with its attributes, plus the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.script_bodies.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_bodies[-1] += data


def parse_tags(page: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(page)
    return collector


def field_errors(page: str, field_id: str) -> list[str]:
    """The messages shown beside one form field (``<p class="field-error" id="...">``)."""
    pattern = rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>'
    return [html.unescape(message) for message in re.findall(pattern, page)]


def input_value(page: str, name: str) -> str:
    """The value of a text input as rendered (the officer's input kept, or the stored one)."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match is not None, f"no input {name!r}"
    return html.unescape(match.group(1))


def selected_option(page: str, select_name: str) -> str | None:
    """The value of the selected option of one <select>."""
    select = re.search(rf'<select [^>]*name="{re.escape(select_name)}".*?</select>', page, re.S)
    assert select is not None, f"no select {select_name!r}"
    match = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return html.unescape(match.group(1)) if match else None


def head_names(page: str) -> list[str]:
    """Heads of household listed in search results, in order."""
    names = re.findall(r'<strong class="head-name">([^<]*)</strong>', page)
    return [html.unescape(name) for name in names]


def text_of(fragment: str) -> str:
    """The visible text of some HTML, whitespace collapsed (for sentence-level checks)."""
    without_tags = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()


def section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{re.escape(heading_id)}"[^>]*>(.*?)</section>', page, re.S
    )
    assert match is not None, f"no section {heading_id!r}"
    return match.group(1)


def ticked(page: str, name: str) -> list[str]:
    """The values of the ticked checkboxes (or radios) called ``name``."""
    pattern = (
        rf'<input type="(?:checkbox|radio)" id="[^"]*" name="{re.escape(name)}"'
        r' value="([^"]*)" checked'
    )
    return [html.unescape(value) for value in re.findall(pattern, page)]
