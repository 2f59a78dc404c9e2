"""The errors file of a household import can be corrected and imported again: its date cells
come back as days the importer reads, not as ISO datetimes it refuses."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from api.models import Household
from tests.reports.test_imports import send, workbook

HEADERS = ["Mã hộ", "Họ tên chủ hộ", "Dân tộc", "Ngày vào sổ"]
ROWS = [
    ["RT-001", "Thạch Văn Một", "Khmer", datetime(2019, 1, 5)],
    ["RT-002", "Lâm Thị Hai", "Khme", datetime(2018, 3, 15)],  # the one bad cell
    ["RT-003", "Trần Văn Ba", "Kinh", "20/11/2017"],
]
EXPECTED = {"RT-001": date(2019, 1, 5), "RT-002": date(2018, 3, 15), "RT-003": date(2017, 11, 20)}


@pytest.fixture
def rejected(client, officer, tree):
    """The first import: one bad row, so nothing is saved and an errors file is kept."""
    commune = tree["commune_a"]["id"]
    response = send(client, officer, workbook(ROWS, HEADERS), place=commune)
    assert response.status_code == 422, response.text
    return response.json()["report"]


def registered_on(db, commune: str) -> dict[str, date]:
    rows = db.execute(select(Household).where(Household.commune_id == commune)).scalars()
    return {h.code: h.registered_on for h in rows}


def test_xlsx_errors_file_round_trips_dates(client, officer, tree, db, rejected):
    errors = client.get(rejected["errors_file"], headers=officer)
    assert errors.status_code == 200
    book = load_workbook(io.BytesIO(errors.content))
    sheet = book.active
    assert [sheet.cell(row=r, column=4).value for r in (2, 3, 4)] == [
        "05/01/2019",
        "15/03/2018",
        "20/11/2017",
    ]
    sheet.cell(row=3, column=3).value = "Khmer"  # the officer corrects the bad cell
    out = io.BytesIO()
    book.save(out)

    commune = tree["commune_a"]["id"]
    again = send(client, officer, out.getvalue(), place=commune)
    assert again.status_code == 200, again.text
    assert again.json()["stats"]["created"] == 3
    assert registered_on(db, commune) == EXPECTED


def test_csv_errors_file_round_trips_dates(client, officer, tree, db, rejected):
    errors = client.get(rejected["errors_file"], params={"format": "csv"}, headers=officer)
    assert errors.status_code == 200
    text = errors.content.decode("utf-8-sig")
    assert "2019-01-05T00:00:00" not in text
    corrected = text.replace("Khme,", "Khmer,").encode("utf-8-sig")

    commune = tree["commune_a"]["id"]
    again = send(client, officer, corrected, name="ds.csv", place=commune)
    assert again.status_code == 200, again.text
    assert registered_on(db, commune) == EXPECTED


def test_report_shows_the_date_as_typed(rejected):
    bad = next(e for e in rejected["errors"] if e["row"] == 3)
    assert bad["header"] == "Dân tộc"
    assert bad["value"] == "Khme"
