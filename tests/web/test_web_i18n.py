"""Language switch, formatting filters, and the gettext catalogues."""

import re
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.web.fake_api import FakeState
from web.i18n import TRANSLATIONS_DIR, get_translations
from web.i18n.compile import catalogue_paths, stale_catalogues
from web.i18n.formatting import format_date, format_datetime, format_money
from web.rendering import templates

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
NBSP = "\u00a0"


def read_catalogue(locale: str):  # type: ignore[no-untyped-def]
    po_path, _ = catalogue_paths(locale)
    with po_path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def singular(message_id: str | tuple[str, ...]) -> str:
    """A plural message (``ngettext``) is named by its singular msgid."""
    return message_id if isinstance(message_id, str) else message_id[0]


def texts(value: str | tuple[str, ...]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def msgids_in_source() -> set[str]:
    """What ``pybabel extract -F web/babel.cfg`` would find, computed afresh."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(WEB_DIR), method_map, options):
        found.add(message if isinstance(message, str) else message[0])
    return found


class TestLanguageSwitch:
    @pytest.mark.anyio
    async def test_english_on_request_and_back_to_vietnamese(
        self, officer: httpx.AsyncClient
    ) -> None:
        response = await officer.get("/lang/en", params={"next": "/households?q=a"})
        assert response.status_code == 303
        assert response.headers["location"] == "/households?q=a"
        assert response.headers["set-cookie"].startswith("gn_lang=en; HttpOnly; Max-Age=31536000")
        english = await officer.get("/households")
        assert '<html lang="en">' in english.text
        assert "<h1>Households</h1>" in english.text
        assert '<option value="hoa">Chinese (Hoa)</option>' in english.text

        await officer.get("/lang/vi")
        vietnamese = await officer.get("/households")
        assert '<html lang="vi">' in vietnamese.text
        assert "<h1>Hộ gia đình</h1>" in vietnamese.text

    @pytest.mark.anyio
    async def test_vietnamese_is_the_default(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/login", headers={"Accept-Language": "en-US,en"})
        assert '<html lang="vi">' in response.text

    @pytest.mark.anyio
    async def test_the_switch_links_come_back_to_this_page(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get("/households?q=ng")).text
        assert '<a href="/lang/en?next=/households%3Fq%3Dng" lang="en" hreflang="en">' in page

    @pytest.mark.anyio
    async def test_an_unknown_language_is_a_404(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/lang/fr")).status_code == 404

    @pytest.mark.anyio
    async def test_next_must_stay_on_the_site(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/lang/en", params={"next": "https://evil.example/"})
        assert response.headers["location"] == "/"

    @pytest.mark.anyio
    async def test_the_api_is_asked_in_the_officers_language(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        await officer.get("/lang/en")
        await officer.get("/households/h-0001")
        assert fake.requests[-1]["headers"]["accept-language"] == "en"


class TestMoney:
    @pytest.mark.parametrize(
        ("amount", "locale", "expected"),
        [
            (1_500_000, "vi", f"1.500.000{NBSP}₫"),
            (1_500_000, "en", f"VND{NBSP}1,500,000"),
            (0, "vi", f"0{NBSP}₫"),
            (-250_000, "vi", f"-250.000{NBSP}₫"),
            (None, "vi", "—"),
        ],
    )
    def test_format(self, amount: int | None, locale: str, expected: str) -> None:
        assert format_money(amount, locale) == expected

    @pytest.mark.parametrize(
        ("locale", "expected"),
        [
            ("vi", f"1.500.000{NBSP}₫"),
            ("en", f"VND{NBSP}1,500,000"),
        ],
    )
    def test_as_a_jinja_filter(self, locale: str, expected: str) -> None:
        template = templates.env.from_string("{{ amount|money }}")
        assert template.render(amount=1_500_000, locale=locale) == expected


class TestDates:
    @pytest.mark.parametrize(
        "value", [date(2026, 3, 1), "2026-03-01", datetime(2026, 3, 1, 23, 59)]
    )
    def test_dd_mm_yyyy(self, value: date | str) -> None:
        assert format_date(value) == "01/03/2026"

    def test_an_instant_is_shown_in_vietnam_time(self) -> None:
        evening_utc = datetime(2026, 2, 28, 20, 0, tzinfo=UTC)
        assert format_date(evening_utc) == "01/03/2026"
        assert format_datetime(evening_utc) == "01/03/2026 03:00"
        assert format_datetime("2026-02-28T20:00:00+00:00") == "01/03/2026 03:00"

    def test_missing_dates_show_a_dash(self) -> None:
        assert (format_date(None), format_datetime(None), format_date("")) == ("—", "—", "—")

    def test_as_jinja_filters(self) -> None:
        template = templates.env.from_string("{{ day|date }} {{ moment|datetime }}")
        rendered = template.render(day=date(2026, 9, 2), moment="2026-09-02T01:05:00Z")
        assert rendered == "02/09/2026 02/09/2026 08:05"


class TestCatalogues:
    def test_compiled_mo_files_match_the_po_files(self) -> None:
        assert stale_catalogues() == []

    def test_every_message_in_the_code_is_in_both_catalogues(self) -> None:
        in_source = msgids_in_source()
        for locale in ("vi", "en"):
            in_catalogue = {singular(m.id) for m in read_catalogue(locale) if m.id}
            assert in_catalogue == in_source, locale

    def test_the_vietnamese_catalogue_is_complete_and_not_fuzzy(self) -> None:
        catalogue = read_catalogue("vi")
        untranslated = [m.id for m in catalogue if m.id and not all(texts(m.string))]
        fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
        assert (untranslated, fuzzy) == ([], [])

    @pytest.mark.parametrize("locale", ["vi", "en"])
    def test_catalogues_are_nfc(self, locale: str) -> None:
        po_path, _ = catalogue_paths(locale)
        text = po_path.read_text(encoding="utf-8")
        assert text == unicodedata.normalize("NFC", text)

    def test_placeholders_survive_translation(self) -> None:
        placeholders = re.compile(r"%\(\w+\)s|%%")
        changed = [
            message.id
            for message in read_catalogue("vi")
            if message.id
            for text in texts(message.string)
            if sorted(placeholders.findall(singular(message.id)))
            != sorted(placeholders.findall(text))
        ]
        assert changed == []

    def test_no_lone_percent_sign(self) -> None:
        """Templates format every message (newstyle gettext): a literal % must be %%."""
        lone = re.compile(r"%(?!\(\w+\)s|%)")
        found = [
            message.id
            for message in read_catalogue("vi")
            if message.id
            for text in [singular(message.id), *texts(message.string)]
            if lone.search(text.replace("%%", ""))
        ]
        assert found == []

    def test_the_compiled_vietnamese_catalogue_is_loaded(self) -> None:
        gettext = get_translations("vi").gettext
        assert gettext("Wrong username or password.") == "Tên đăng nhập hoặc mật khẩu không đúng."
        assert get_translations("en").gettext("Households") == "Households"
        assert (TRANSLATIONS_DIR / "vi" / "LC_MESSAGES" / "messages.mo").is_file()
