"""Reading a CSV of supports: UTF-8 (BOM or not), Vietnamese or English headers and values."""

import csv
import io
import json
import re
import unicodedata
from datetime import date
from typing import Any

from api.core.text import fold
from api.errors import UnsupportedMediaType, ValidationFailed

# Folded header (no case, no diacritics, "_" for spaces and punctuation) -> field.
_HEADERS: dict[str, tuple[str, ...]] = {
    "household_id": ("household_id", "household", "id_ho", "ma_dinh_danh_ho", "ho_gia_dinh"),
    "policy_id": ("policy_id", "id_chinh_sach"),
    "policy_code": ("policy_code", "policy", "ma_chinh_sach", "chinh_sach"),
    "delivered_on": (
        "delivered_on",
        "delivery_date",
        "date",
        "ngay",
        "ngay_ho_tro",
        "ngay_cap",
        "ngay_giai_ngan",
    ),
    "amount_vnd": ("amount_vnd", "amount", "so_tien", "so_tien_vnd", "so_tien_dong"),
    "quantity": ("quantity", "so_luong"),
    "funding_source": ("funding_source", "nguon_von", "nguon_kinh_phi"),
    "status": ("status", "trang_thai", "tinh_trang"),
    "external_ref": (
        "external_ref",
        "reference",
        "ref",
        "ma_tham_chieu",
        "so_chung_tu",
        "ma_giao_dich",
    ),
    "attributes": ("attributes", "thuoc_tinh"),
    "note": ("note", "ghi_chu"),
}
HEADER_FIELDS = {alias: field for field, aliases in _HEADERS.items() for alias in aliases}
ATTRIBUTE_PREFIXES = ("attr.", "attributes.", "thuoc_tinh.")

_STATUS = {
    "planned": "planned",
    "ke_hoach": "planned",
    "du_kien": "planned",
    "delivered": "delivered",
    "da_cap": "delivered",
    "da_ho_tro": "delivered",
    "da_trao": "delivered",
    "da_giai_ngan": "delivered",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "huy": "cancelled",
    "da_huy": "cancelled",
    "repaid": "repaid",
    "da_tra": "repaid",
    "da_tra_no": "repaid",
    "tat_toan": "repaid",
    "overdue": "overdue",
    "qua_han": "overdue",
}
_FUNDING = {
    "program_135": "program_135",
    "chuong_trinh_135": "program_135",
    "ct135": "program_135",
    "135": "program_135",
    "ntp_subproject": "ntp_subproject",
    "ctmtqg": "ntp_subproject",
    "du_an_ctmtqg": "ntp_subproject",
    "chuong_trinh_muc_tieu_quoc_gia": "ntp_subproject",
    "state_budget": "state_budget",
    "ngan_sach_nha_nuoc": "state_budget",
    "policy_credit": "policy_credit",
    "tin_dung_chinh_sach": "policy_credit",
    "von_tin_dung_chinh_sach": "policy_credit",
    "local_budget": "local_budget",
    "ngan_sach_dia_phuong": "local_budget",
    "social_mobilisation": "social_mobilisation",
    "social_mobilization": "social_mobilisation",
    "xa_hoi_hoa": "social_mobilisation",
    "van_dong_xa_hoi": "social_mobilisation",
}
_NON_KEY = re.compile(r"[^a-z0-9.]+")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_GROUPED = re.compile("^\\d{1,3}([., \u00a0]\\d{3})+$")


def key_of(text: str) -> str:
    """'Số tiền (VNĐ)' -> 'so_tien_vnd'."""
    return _NON_KEY.sub("_", fold(text)).strip("_")


def decode(raw: bytes, charset: str | None = None) -> str:
    """UTF-8 text (BOM removed, NFC); a clear 4xx for any other encoding."""
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"Send the CSV as UTF-8, not {charset}.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationFailed(
            "The CSV is UTF-16; save it as 'CSV UTF-8' and send it again.", pointer="/"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            f"The CSV is not UTF-8 (invalid byte at position {exc.start}); save it as "
            "'CSV UTF-8' (Excel: CSV UTF-8 (Comma delimited)) and send it again.",
            pointer="/",
        ) from exc
    return unicodedata.normalize("NFC", text)


def _columns(header: list[str], *, require_ref: bool) -> list[tuple[str, str | None]]:
    """Each column's target: (field, None) or ("attributes", attribute name)."""
    columns, unknown, seen = [], [], set()
    for name in header:
        key = key_of(name)
        attr_prefix = next((p for p in ATTRIBUTE_PREFIXES if key.startswith(p)), None)
        if attr_prefix and len(key) > len(attr_prefix):
            target = ("attributes", name.strip().split(".", 1)[1].strip())
        elif key in HEADER_FIELDS:
            target = (HEADER_FIELDS[key], None)
        else:
            unknown.append(name)
            continue
        if target in seen:
            raise ValidationFailed(f"The column {name!r} appears twice.", pointer="/")
        seen.add(target)
        columns.append(target)
    if unknown:
        raise ValidationFailed(
            f"Unknown columns: {', '.join(map(repr, unknown))}. Known: "
            f"{', '.join(_HEADERS)}, and attr.<name> for the policy's attributes.",
            pointer="/",
        )
    fields = {field for field, _ in columns}
    missing = [f for f in ("household_id", "delivered_on") if f not in fields]
    if not fields & {"policy_id", "policy_code"}:
        missing.append("policy_id or policy_code")
    if not fields & {"amount_vnd", "quantity"}:
        missing.append("amount_vnd or quantity")
    if require_ref and "external_ref" not in fields:
        missing.append("external_ref")
    if missing:
        raise ValidationFailed(f"Missing columns: {', '.join(missing)}.", pointer="/")
    return columns


def _whole_number(value: str) -> int | str:
    text = value.strip()
    if text.isdigit():
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"\D", "", text))
    return text  # left for the item's validation to report


def _day(value: str) -> str:
    match = _DMY.match(value.strip())
    if not match:
        return value.strip()
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return value.strip()


def _convert(field: str, value: str) -> Any:
    if field in ("amount_vnd", "quantity"):
        return _whole_number(value)
    if field == "delivered_on":
        return _day(value)
    if field == "status":
        return _STATUS.get(key_of(value), value.strip())
    if field == "funding_source":
        return _FUNDING.get(key_of(value), value.strip())
    if field == "attributes":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value.strip()


def parse_csv(
    raw: bytes, *, charset: str | None, require_ref: bool, max_items: int
) -> tuple[list[Any], list[int]]:
    """The rows as items (dicts of strings and converted values) and their line numbers."""
    text = decode(raw, charset)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed("The CSV is empty.", pointer="/") from None
    columns = _columns(header, require_ref=require_ref)
    items, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(items) >= max_items:
            raise ValidationFailed(f"At most {max_items} rows a request.", pointer="/")
        lines.append(reader.line_num)
        if len(row) > len(columns):
            items.append({"__row_error__": f"{len(row)} cells for {len(columns)} columns"})
            continue
        item: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        for (field, attr), cell in zip(columns, row, strict=False):
            if not cell.strip():
                continue
            if attr is not None:
                attributes[attr] = cell.strip()
            else:
                item[field] = _convert(field, cell)
        if attributes:
            base = item.get("attributes")
            item["attributes"] = {**base, **attributes} if isinstance(base, dict) else attributes
            item["__csv_attributes__"] = True
        items.append(item)
    return items, lines
