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
        ("value_error", "Value error, A citizen ID has exactly 12 digits."),
        (None, "Value error, A citizen ID has exactly 12 digits."),
    ],
)
def test_known_error_codes_are_worded_by_the_web_others_keep_the_api_detail(
    code: str | None, shown: str
) -> None:
    problem = FieldProblem("/x", "Value error, A citizen ID has exactly 12 digits.", code)
    assert describe_field_problem(problem, VIETNAMESE) == shown


def test_member_rows_are_capped() -> None:
    form = HouseholdForm.from_submission(
        submitted(member_rows="1000", **{f"members.{i}.full_name": f"M{i}" for i in range(40)}),
        with_members=True,
    )
    assert len(form.members) == 30
