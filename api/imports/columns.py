"""The columns of a household list (Vietnamese headers, English accepted) and how each cell's
value is read: numbers with dot thousands separators, dates typed as text, yes/no in words.

Every problem is a `CellError` with its message in Vietnamese and in English.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from api.core.dates import today_in_vietnam
from api.core.text import fold
from api.households.citizen_id import citizen_id_problem
from api.households.ethnicities import ETHNICITIES

CODE_PATTERN = re.compile(r"^[A-Za-z0-9._/-]{1,32}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9]{8,15}$")
_NON_KEY = re.compile(r"[^a-z0-9]+")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_GROUPED = re.compile(r"^\d{1,3}([.,  ]\d{3})+$")


class CellError(ValueError):
    """A value that cannot be read: what is wrong, in Vietnamese and in English."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class Field:
    key: str
    vi: str  # the header of the template
    en: str
    aliases: tuple[str, ...]
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("code", "Mã hộ", "Household code", ("ma_ho", "ma_ho_gia_dinh", "ma_so_ho"), True),
    Field(
        "head_name",
        "Họ tên chủ hộ",
        "Head of household",
        ("ho_ten_chu_ho", "ho_va_ten_chu_ho", "chu_ho", "ten_chu_ho", "head_name"),
        True,
    ),
    Field(
        "commune",
        "Xã/Thị trấn",
        "Commune/town",
        ("xa_thi_tran", "xa", "phuong", "thi_tran", "xa_phuong_thi_tran", "commune", "ward"),
    ),
    Field(
        "hamlet",
        "Ấp/Khóm",
        "Hamlet/quarter",
        ("ap_khom", "ap", "khom", "thon", "ap_thon", "hamlet", "quarter", "hamlet_quarter"),
    ),
    Field("ethnicity", "Dân tộc", "Ethnicity", ("dan_toc", "ethnicity"), True),
    Field("address", "Địa chỉ", "Address", ("dia_chi", "address")),
    Field("phone", "Số điện thoại", "Phone", ("so_dien_thoai", "dien_thoai", "sdt", "phone")),
    Field(
        "meritorious_service",
        "Người có công",
        "Meritorious service",
        ("nguoi_co_cong", "ho_co_nguoi_co_cong", "co_cong", "meritorious_service"),
    ),
    Field(
        "social_protection",
        "Bảo trợ xã hội",
        "Social protection",
        ("bao_tro_xa_hoi", "btxh", "social_protection"),
    ),
    Field(
        "head_gender",
        "Giới tính chủ hộ",
        "Head's sex",
        ("gioi_tinh_chu_ho", "gioi_tinh", "head_gender", "head_s_sex", "gender", "sex"),
    ),
    Field(
        "head_birth_year",
        "Năm sinh chủ hộ",
        "Head's birth year",
        ("nam_sinh_chu_ho", "nam_sinh", "head_birth_year", "head_s_birth_year", "birth_year"),
    ),
    Field(
        "head_citizen_id",
        "Số CCCD chủ hộ",
        "Head's citizen ID",
        (
            "so_cccd_chu_ho",
            "so_cccd",
            "cccd",
            "so_dinh_danh",
            "so_dinh_danh_ca_nhan",
            "citizen_id",
            "head_citizen_id",
            "head_s_citizen_id",
        ),
    ),
    Field(
        "registered_on",
        "Ngày vào sổ",
        "Registered on",
        ("ngay_vao_so", "ngay_dang_ky", "ngay_dang_ky_ho", "registered_on", "registration_date"),
    ),
    Field("notes", "Ghi chú", "Notes", ("ghi_chu", "notes", "note")),
)
# Columns read and left alone: a row number, and the error columns of an errors file.
IGNORED = frozenset({"stt", "so_thu_tu", "tt", "no", "loi", "loi_tieng_viet", "error", "errors"})
ERROR_HEADERS = ("Lỗi", "Error (English)")
BY_KEY = {f.key: f for f in FIELDS}


def key_of(text: Any) -> str:
    """'Họ tên chủ hộ' -> 'ho_ten_chu_ho'; "Head's sex" -> 'head_s_sex'."""
    return _NON_KEY.sub("_", fold(str(text))).strip("_")


HEADER_FIELDS = {alias: f.key for f in FIELDS for alias in (key_of(f.vi), key_of(f.en), *f.aliases)}


def field_for(header: Any) -> str | None:
    return HEADER_FIELDS.get(key_of(header)) if header is not None else None


def describe(key: str) -> tuple[str, str]:
    field = BY_KEY[key]
    return field.vi, field.en


# -- values ------------------------------------------------------------------------------------


def text(value: Any) -> str | None:
    """A cell as trimmed NFC text (None when blank); whole numbers lose Excel's '.0'."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    result = unicodedata.normalize("NFC", str(value)).strip()
    return re.sub(r"\s+", " ", result) or None


def integer(value: Any, *, what_vi: str, what_en: str) -> int | None:
    """1500000, 1500000.0, '1.500.000', '1,500,000' and '1 500 000' are all 1500000."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | datetime | date):
        raise CellError(f"{what_vi} phải là một số.", f"{what_en} must be a number.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(
            f"{what_vi} phải là số nguyên, không phải {value}.",
            f"{what_en} must be a whole number, not {value}.",
        )
    raw = str(value).strip()
    if raw.isdigit():
        return int(raw)
    if _GROUPED.match(raw):
        return int(re.sub(r"[.,  ]", "", raw))
    raise CellError(
        f"{what_vi} «{raw}» không phải là số nguyên (ví dụ 1975 hoặc 1.500.000).",
        f"{what_en} “{raw}” is not a whole number (e.g. 1975 or 1.500.000).",
    )


def day(value: Any) -> date | None:
    """A date cell, an Excel serial number, or text as dd/mm/yyyy (also yyyy-mm-dd)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 80000:
        result = date(1899, 12, 30) + timedelta(days=int(value))  # Excel's day numbers
    else:
        raw = str(value).strip()
        result = _parse_text_date(raw)
    if result > today_in_vietnam():
        raise CellError(
            f"Ngày {result:%d/%m/%Y} ở tương lai.", f"The date {result:%d/%m/%Y} is in the future."
        )
    if result.year < 1900:
        raise CellError(f"Năm {result.year} không hợp lệ.", f"The year {result.year} is not valid.")
    return result


def _parse_text_date(raw: str) -> date:
    match = _DMY.match(raw)
    try:
        if match:
            dd, mm, yyyy = (int(part) for part in match.groups())
            return date(yyyy, mm, dd)
        match = _YMD.match(raw)
        if match:
            yyyy, mm, dd = (int(part) for part in match.groups())
            return date(yyyy, mm, dd)
    except ValueError as exc:
        raise CellError(
            f"Ngày «{raw}» không tồn tại.", f"The date “{raw}” does not exist."
        ) from exc
    raise CellError(
        f"Ngày «{raw}» không đúng dạng ngày/tháng/năm (ví dụ 15/03/2016).",
        f"The date “{raw}” is not in the day/month/year form (e.g. 15/03/2016).",
    )


_YES = frozenset({"x", "co", "1", "yes", "y", "true", "dung", "v", "ok"})
_NO = frozenset({"khong", "0", "no", "n", "false", "sai", "-"})


def yes_no(value: Any) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    word = fold(str(value)).strip(".")
    if word in _YES or word == "✓":
        return True
    if word in _NO:
        return False
    raise CellError(
        f"«{value}» không phải là có/không (ghi x hoặc có, để trống hoặc không).",
        f"“{value}” is not yes/no (write x or có for yes; leave blank or write không for no).",
    )


_GENDERS = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female"}
_GENDERS |= {"f": "female", "khac": "other", "other": "other"}


def gender(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    result = _GENDERS.get(fold(raw))
    if result is None:
        raise CellError(
            f"Giới tính «{raw}» không hợp lệ (Nam, Nữ hoặc Khác).",
            f"Sex “{raw}” is not valid (Nam, Nữ or Khác: male, female or other).",
        )
    return result


_ETHNICITY_WORDS = {fold(vi): code for code, vi, _ in ETHNICITIES}
_ETHNICITY_WORDS |= {fold(en): code for code, _, en in ETHNICITIES}
_ETHNICITY_WORDS |= {code.replace("_", " "): code for code, _, _ in ETHNICITIES}
_ETHNICITY_WORDS |= {"khome": "khmer", "kho me": "khmer", "khmer krom": "khmer", "viet": "kinh"}
_ETHNICITY_WORDS |= {"nguoi hoa": "hoa", "trung hoa": "hoa", "kinh (viet)": "kinh"}


def ethnicity(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    word = re.sub(r"[-_.]+", " ", fold(raw))
    word = word.removeprefix("dan toc ").removeprefix("nguoi ").strip()
    code = _ETHNICITY_WORDS.get(word) or _ETHNICITY_WORDS.get(f"nguoi {word}")
    if code is None:
        raise CellError(
            f"Dân tộc «{raw}» không có trong danh mục 54 dân tộc (ví dụ Kinh, Khmer, Hoa).",
            f"Ethnicity “{raw}” is not one of the 54 ethnic groups (e.g. Kinh, Khmer, Hoa).",
        )
    return code


def code(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    if not CODE_PATTERN.match(raw):
        raise CellError(
            f"Mã hộ «{raw}» chỉ được có chữ không dấu, số và . _ / - (tối đa 32 ký tự).",
            f"Household code “{raw}” may only hold unaccented letters, digits and . _ / - "
            "(at most 32 characters).",
        )
    return raw


def phone(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        digits = "0" + digits if len(digits) == 9 else digits  # Excel dropped the leading 0
    else:
        raw = text(value)
        if raw is None:
            return None
        digits = re.sub(r"[\s.()-]", "", raw)
    if not PHONE_PATTERN.match(digits):
        raise CellError(
            f"Số điện thoại «{value}» không hợp lệ (8 đến 15 chữ số).",
            f"Phone number “{value}” is not valid (8 to 15 digits).",
        )
    return digits


def citizen_id(value: Any, *, birth_year: int | None, sex: str | None) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        digits = digits.zfill(12) if len(digits) == 11 else digits  # a lost leading zero
    else:
        raw = text(value)
        if raw is None:
            return None
        digits = re.sub(r"[\s.]", "", raw)
    problem = citizen_id_problem(digits, birth_year=birth_year, gender=sex)
    if problem:
        raise CellError(f"Số CCCD «{value}» không hợp lệ: {_vi_problem(problem)}", problem)
    return digits


def _vi_problem(problem: str) -> str:
    return {
        "A citizen ID has exactly 12 digits.": "số CCCD phải có đúng 12 chữ số.",
        "The citizen ID does not match the birth year.": "không khớp với năm sinh.",
        "The citizen ID does not match the sex.": "không khớp với giới tính.",
    }.get(problem, "mã tỉnh hoặc chữ số thế kỷ/giới tính không đúng.")


def birth_year(value: Any) -> int | None:
    year = integer(value, what_vi="Năm sinh", what_en="Birth year")
    if year is None:
        return None
    if not 1900 <= year <= today_in_vietnam().year:
        raise CellError(
            f"Năm sinh {year} không hợp lệ (từ 1900 đến nay).",
            f"Birth year {year} is not valid (from 1900 to this year).",
        )
    return year


def limited(value: Any, key: str, size: int) -> str | None:
    raw = text(value)
    if raw is not None and len(raw) > size:
        vi, en = describe(key)
        raise CellError(f"{vi} dài quá {size} ký tự.", f"{en} is longer than {size} characters.")
    return raw
