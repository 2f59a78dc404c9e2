"""An officer's day in a real browser, on a 360-px phone: sign in, find a household by its
name typed without accents, record a visit, record the annual review while the live preview
changes class as the income crosses the poverty line, take it to recognition, and see the
dashboard change.

Households are picked through the UI (the first one the status filter offers), never by a
name fixed here, so the suite holds whichever demo data the server loads.
"""

import os
import re
import unicodedata
from pathlib import Path

from playwright.sync_api import Page, expect

from api.core.dates import today_in_vietnam
from tests.browser.conftest import PHONE, sign_in

SCREENSHOTS = os.environ.get("GIAMNGHEO_SCREENSHOTS")  # a folder: save the README's pictures
# The forms start with today's date in Vietnam and the API checks "not in the future" and
# "not before the household existed" against it too; the test types the same day.
SERVER_TODAY = today_in_vietnam().isoformat()
LAST_YEARS_SURVEY = f"{today_in_vietnam().year - 1}-10-15"
NOT_YET_POOR = ("unclassified", "not_poor", "average")


def unaccented(name: str) -> str:
    """What an officer types on a phone without a Vietnamese keyboard."""
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def figure(page: Page, name: str) -> int:
    """A dashboard count; "—" (no recognised review yet) counts as none."""
    text = page.locator(f'[data-figure="{name}"]').inner_text().replace(".", "")
    return 0 if text == "—" else int(text)


def pick_household(page: Page, base_url: str) -> str:
    """The first household not yet poor, chosen with the search page's status filter."""
    page.goto(f"{base_url}/households")
    for status in NOT_YET_POOR:
        page.select_option("#status", status)
        page.get_by_role("button", name="Tìm kiếm").click()
        expect(page).to_have_url(re.compile(rf"status={status}"))
        first = page.locator("#results .head-name").first
        if first.count():
            return first.inner_text().strip()
    raise AssertionError("no household that is not poor yet")


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)


def test_an_officers_day_on_a_phone(phone: Page, live_server: str) -> None:
    page = phone
    sign_in(page, live_server)
    poor_before = figure(page, "poor")
    no_sideways_scroll(page)

    # Find a household by its name typed without accents: the results follow the typing.
    name = pick_household(page, live_server)
    page.fill("#q", unaccented(name))
    expect(page).to_have_url(re.compile(r"q=" + re.escape(unaccented(name).split()[0])))
    expect(page.locator("#results .head-name").first).to_have_text(name)
    no_sideways_scroll(page)
    page.locator("#results a", has_text=name).first.click()
    expect(page.locator("h1")).to_contain_text(name)
    profile_url = page.url.split("?")[0]
    no_sideways_scroll(page)

    # Record a visit (registering as a visitor first, when the officer is not one yet).
    page.get_by_role("link", name="Ghi nhận thăm hộ").click()
    register = page.get_by_role("button", name=re.compile("^Đăng ký cho tôi"))
    if register.count():
        register.click()
        expect(register).to_have_count(0)
    expect(page.locator("#visitor_id")).not_to_have_value("")
    page.fill("#visited_on", SERVER_TODAY)
    page.fill("#living_conditions", "Nhà tạm, mái lá dột; con nhỏ đang ốm.")
    page.get_by_label("Ốm đau nặng", exact=True).check()
    page.get_by_label("Giảm", exact=True).check()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Lưu chuyến thăm").click()
    expect(page.locator(".notice.success")).to_have_text("Đã lưu chuyến thăm hộ.")
    expect(page.locator("#visits")).to_contain_text("Nhà tạm, mái lá dột")

    # The annual review: the preview follows the income across the poverty line.
    page.get_by_role("link", name="Rà soát định kỳ hằng năm").click()
    indicators = page.locator('input[name="deprivations"]')
    for index in range(3):
        indicators.nth(index).check()
    preview = page.locator("#classification-preview .preview-class")
    page.fill("#income_per_capita", "1000000")
    expect(preview).to_have_attribute("data-classification", "poor")
    line_text = page.locator("#classification-preview dd").first.inner_text()
    line = int(re.sub(r"\D", "", line_text))
    page.fill("#income_per_capita", f"{line + 100_000:,}".replace(",", "."))
    expect(preview).to_have_attribute("data-classification", "average")
    expect(preview).to_contain_text("Hộ có mức sống trung bình")
    page.fill("#income_per_capita", f"{line - 100_000:,}".replace(",", "."))
    expect(preview).to_have_attribute("data-classification", "poor")
    expect(preview).to_contain_text("Hộ nghèo")
    no_sideways_scroll(page)
    page.fill("#survey_date", SERVER_TODAY)
    page.get_by_role("button", name="Lưu phiếu rà soát").click()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "draft")

    # Its life cycle: survey completed, hamlet meeting, posting, recognition.
    page.get_by_role("button", name="Xác nhận hoàn tất khảo sát").click()
    page.fill("#attendees", "24")
    page.fill("#agreeing", "19")
    page.get_by_role("button", name="Ghi kết quả họp").click()
    page.fill("#posted_on", SERVER_TODAY)
    page.get_by_role("button", name="Ghi nhận niêm yết").click()
    page.fill("#decision_number", "15/QĐ-UBND")
    page.fill("#decision_date", SERVER_TODAY)
    page.get_by_role("button", name="Ghi nhận công nhận").click()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "recognised")

    page.goto(profile_url)
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "poor")
    screenshot(page, "household-profile-phone.png")

    # The dashboard counts one more poor household.
    page.get_by_role("link", name="Trang chủ").first.click()
    expect(page.locator('[data-figure="poor"]')).to_have_text(str(poor_before + 1))


def test_the_dashboard_and_worklist_on_a_desktop(page: Page, live_server: str) -> None:
    sign_in(page, live_server)
    expect(page.locator("h1")).to_contain_text("Xin chào")
    expect(page.locator('[data-figure="households"]')).not_to_have_text("0")
    screenshot(page, "dashboard-desktop.png")
    page.get_by_role("link", name="Lịch thăm hộ").first.click()
    expect(page.locator("h1")).to_have_text("Lịch thăm hộ")
    expect(page.get_by_label("Thời hạn")).to_have_value("7")
    page.get_by_role("link", name="Báo cáo").first.click()
    expect(page.locator("#report-heading")).to_contain_text("Hộ nghèo, hộ cận nghèo")


def test_the_review_form_works_without_javascript(browser, live_server: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server)
        name = pick_household(page, live_server)
        page.locator("#results a", has_text=name).first.click()
        page.get_by_role("link", name="Rà soát định kỳ hằng năm").click()
        page.select_option("#review-year", index=1)  # last year's review, by the plain form
        page.get_by_role("button", name="Đổi năm").click()
        page.fill("#survey_date", LAST_YEARS_SURVEY)  # a review is surveyed in its own year
        page.fill("#income_per_capita", "")
        page.get_by_role("button", name="Lưu phiếu rà soát").click()
        # refused, in Vietnamese, beside the field, with the answers kept
        expect(page.locator("#income_per_capita-error")).to_have_text(
            "Hãy nhập thu nhập bình quân đầu người hoặc điểm B1."
        )
        page.fill("#income_per_capita", "900.000")
        page.get_by_role("button", name="Lưu phiếu rà soát").click()
        expect(page.locator("[data-state]")).to_have_attribute("data-state", "draft")
        expect(page.locator("[data-classification]")).to_have_attribute(
            "data-classification", "near_poor"
        )
    finally:
        context.close()


def test_wrong_password_is_said_in_vietnamese(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#username", "canbo.hoaan")
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    assert page.locator("html").get_attribute("lang") == "vi"
