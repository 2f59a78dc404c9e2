"""Form state and helpers on their own: pointer mapping, payloads, redirect targets."""

import pytest
from starlette.datastructures import FormData

from web.client import ApiError, FieldProblem
from web.forms.household import HouseholdForm
from web.forms.pointers import field_name_from_pointer
from web.forms.problem_messages import describe_field_problem
from web.i18n import get_translations
from web.security import safe_next_path

VIETNAMESE = get_translations("vi").gettext
ENGLISH = get_translations("en").gettext


@pytest.mark.parametrize(
    ("pointer", "field"),
    [
        ("/head_name", "head_name"),
        ("/members/0/citizen_id", "members.0.citizen_id"),
        ("/body/members/2/full_name", "members.2.full_name"),
        ("/a~1b~0c", "a/b~c"),
        ("", ""),
    ],
)
def test_pointers_map_to_form_field_names(pointer: str, field: str) -> None:
    assert field_name_from_pointer(pointer) == field


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/households?q=a", "/households?q=a"),
        ("/", "/"),
        ("", "/"),
        (None, "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("households", "/"),
        ("/households\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_safe_next_path(candidate: str | None, expected: str) -> None:
    assert safe_next_path(candidate) == expected


def submitted(**fields: str) -> FormData:
    return FormData(list(fields.items()))


def test_the_create_payload_leaves_blanks_to_the_api() -> None:
    form = HouseholdForm.from_submission(
        submitted(
            **{
                "code": " LH-1 ",
                "place_id": "p",
                "head_name": "A",
                "ethnicity": "kinh",
                "address": " ",
                "phone": "090",
                "meritorious_service": "on",
                "member_rows": "2",
                "members.0.full_name": "A",
                "members.0.birth_year": "19x0",
                "members.0.citizen_id": "0840 7000 1234",
                "members.0.can_work": "no",
                "members.1.full_name": "",
            }
        ),
        with_members=True,
    )
    assert form.create_payload() == {
        "code": "LH-1",
        "place_id": "p",
        "head_name": "A",
        "ethnicity": "kinh",
        "phone": "090",
        "meritorious_service": True,
        "social_protection": False,
        "members": [
            {
                "full_name": "A",
                "birth_year": "19x0",
                "citizen_id": "084070001234",
                "can_work": False,
            }
        ],
    }


def test_the_changes_payload_clears_blank_optional_fields() -> None:
    form = HouseholdForm.from_submission(
        submitted(
            code="LH-1",
            place_id="p",
            head_name="A",
            ethnicity="kinh",
            address="",
            notes="x",
        ),
        with_members=False,
    )
    assert form.changes_payload() == {
        "code": "LH-1",
        "place_id": "p",
        "head_name": "A",
        "ethnicity": "kinh",
        "address": None,
        "phone": None,
        "notes": "x",
        "meritorious_service": False,
        "social_protection": False,
    }


def test_problems_without_a_known_field_go_above_the_form() -> None:
    form = HouseholdForm.blank()
    form.apply_problem(
        ApiError(
            422,
            "Unprocessable Content",
            errors=[
                FieldProblem("/head_name", "bắt buộc"),
                FieldProblem("/members/5/full_name", "không có hàng này"),
                FieldProblem("", "toàn bộ"),
            ],
        ),
        VIETNAMESE,
    )
    assert form.errors == {"head_name": ["bắt buộc"]}
    assert form.form_errors == ["không có hàng này", "toàn bộ"]


def test_a_problem_without_field_errors_shows_its_detail() -> None:
    form = HouseholdForm.blank()
    form.apply_problem(ApiError(409, "Conflict", detail="Mã hộ đã tồn tại."), VIETNAMESE)
    assert (form.errors, form.form_errors) == ({}, ["Mã hộ đã tồn tại."])


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("missing", "Vui lòng nhập thông tin này."),
        ("string_too_short", "Vui lòng nhập thông tin này."),
        ("int_parsing", "Vui lòng nhập một số nguyên."),
        ("literal_error", "Vui lòng chọn một trong các lựa chọn."),
        ("value_error", "Giá trị này không hợp lệ, vui lòng kiểm tra lại."),
        (None, "Giá trị này không hợp lệ, vui lòng kiểm tra lại."),
    ],
)
def test_known_error_codes_are_worded_by_the_web_english_never_shows_in_vietnamese(
    code: str | None, shown: str
) -> None:
    problem = FieldProblem("/x", "Value error, A citizen ID has exactly 12 digits.", code)
    assert describe_field_problem(problem, VIETNAMESE) == shown


def test_in_english_an_unknown_error_keeps_the_api_detail() -> None:
    problem = FieldProblem("/x", "Value error, A citizen ID has exactly 12 digits.", None)
    assert describe_field_problem(problem, ENGLISH) == problem.detail


def test_the_apis_own_vietnamese_or_a_vietnamese_detail_is_kept() -> None:
    english = FieldProblem("/left_on", "left_on is in the future.", None)
    assert describe_field_problem(english, VIETNAMESE, detail_vi="Ngày rời hộ ở tương lai.") == (
        "Ngày rời hộ ở tương lai."
    )
    vietnamese = FieldProblem("/code", "Mã hộ đã tồn tại.", None)
    assert describe_field_problem(vietnamese, VIETNAMESE) == "Mã hộ đã tồn tại."


@pytest.mark.parametrize(
    ("pointer", "detail", "shown"),
    [
        (
            "/place_id",
            "Unknown place 'p-x'.",
            "Địa bàn không tồn tại hoặc nằm ngoài địa bàn bạn phụ trách.",
        ),
        (
            "/visited_on",
            "visited_on is in the future.",
            "Ngày thăm không được là ngày trong tương lai.",
        ),
        (
            "/visited_on",
            "visited_on is before the household existed (known since 2024-03-05).",
            "Ngày thăm trước ngày hộ được ghi nhận (05/03/2024).",
        ),
        (
            "/delivered_on",
            "a delivered support cannot be dated in the future",
            "Hỗ trợ đã trao không được ghi ngày trong tương lai.",
        ),
        (
            "/attendees",
            "A meeting needs attendees and agreeing.",
            "Vui lòng nhập số người dự họp và số người đồng ý.",
        ),
        (
            "/agreeing",
            "More agreeing than attendees.",
            "Số người đồng ý nhiều hơn số người dự họp.",
        ),
        (
            "/decision_number",
            "Recognition needs the commune chair's decision number and date.",
            "Vui lòng nhập số và ngày quyết định của Chủ tịch UBND xã.",
        ),
        (
            "/place_id",
            "Say where the households live: place_id (or place_code) of a commune, a hamlet, "
            "or a district whose communes the file names.",
            "Vui lòng chọn địa bàn của các hộ trong danh sách.",
        ),
    ],
)
def test_the_apis_english_sentences_are_worded_in_vietnamese(
    pointer: str, detail: str, shown: str
) -> None:
    assert describe_field_problem(FieldProblem(pointer, detail, None), VIETNAMESE) == shown


def test_the_apis_sentences_are_worded_in_english_too() -> None:
    problem = FieldProblem("/agreeing", "More agreeing than attendees.", None)
    assert (
        describe_field_problem(problem, ENGLISH) == "More people agreed than were at the meeting."
    )


def test_member_rows_are_capped() -> None:
    form = HouseholdForm.from_submission(
        submitted(member_rows="1000", **{f"members.{i}.full_name": f"M{i}" for i in range(40)}),
        with_members=True,
    )
    assert len(form.members) == 30
