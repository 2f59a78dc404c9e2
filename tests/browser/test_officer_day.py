"""An officer's day in a real browser (grows with each screen)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_sign_in_and_find_a_household_by_unaccented_name(page, live_server):
    sign_in(page, live_server)
    page.goto(f"{live_server}/households")
    first_row = page.locator("#results a").first
    full_name = first_row.inner_text().strip()
    family = full_name.split()[0]
    unaccented = {
        "Nguyễn": "nguyen",
        "Trần": "tran",
        "Lê": "le",
        "Phạm": "pham",
        "Huỳnh": "huynh",
        "Võ": "vo",
        "Đặng": "dang",
        "Bùi": "bui",
        "Đỗ": "do",
        "Trương": "truong",
        "Thạch": "thach",
        "Sơn": "son",
        "Kim": "kim",
        "Danh": "danh",
        "Lâm": "lam",
        "Trà": "tra",
    }[family]
    page.fill("#q", unaccented)  # typed without accents: the live search still finds it
    expect(page).to_have_url(re.compile(rf"q={unaccented}"))
    expect(page.locator("#results")).to_contain_text(full_name)
    page.locator("#results a", has_text=full_name).first.click()
    expect(page.locator("h1")).to_contain_text(full_name)


def test_wrong_password_is_said_in_vietnamese(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("#username", "canbo.hoaan")
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_phone_sized_search_has_no_sideways_scroll(phone, live_server):
    sign_in(phone, live_server)
    phone.goto(f"{live_server}/households")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
