"""GET /api/v1/reports/poverty-rate: exact counts, denominators by year, rounding half up,
grouping by place and ethnicity, scoping, and the CSV and XLSX exports."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from api.core.dates import VIETNAM
from api.models import Household
from tests.reports.conftest import REPORTS, households, recognise

URL = f"{REPORTS}/poverty-rate"


@pytest.fixture
def hamlet_of_32(tree, db):
    """32 households in Hòa Ân's hamlet (16 Kinh, 16 Khmer): in 2016 one Khmer household is
    poor and five are near-poor: 1/32 = 3.125 % and 5/32 = 15.625 %, both exactly half."""
    kinh = households(db, tree["hamlet_a"], 16)
    khmer = households(db, tree["hamlet_a"], 16, ethnicity="khmer")
    homes = [home for pair in zip(kinh, khmer, strict=True) for home in pair]
    recognise(db, homes[1], 2016, "poor")
    for home in homes[2:7]:
        recognise(db, home, 2016, "near_poor")
    recognise(db, homes[0], 2016, "not_poor")
    return homes


class TestRates:
    def test_half_up_at_the_boundary(self, client, admin, hamlet_of_32, tree):
        body = client.get(URL, params={"year": 2016}, headers=admin).json()
        total = body["total"]
        assert (total["households"], total["poor"], total["near_poor"]) == (32, 1, 5)
        # round() would give 3.12 and 15.62 (half to even on the binary value).
        assert (total["poor_rate"], total["near_poor_rate"]) == (3.13, 15.63)
        assert body["rows"] == [
            {
                "key": tree["commune_a"]["id"],
                "label": "Hòa Ân",
                "households": 32,
                "poor": 1,
                "near_poor": 5,
                "poor_rate": 3.13,
                "near_poor_rate": 15.63,
                "poor_without_labour_capacity": 0,
            }
        ]

    def test_by_ethnicity(self, client, admin, hamlet_of_32):
        body = client.get(URL, params={"year": 2016, "by": "ethnicity"}, headers=admin).json()
        rows = {row["key"]: row for row in body["rows"]}
        assert set(rows) == {"kinh", "khmer"}
        assert rows["khmer"]["label"] == "Khmer"
        assert (rows["khmer"]["households"], rows["khmer"]["poor"]) == (16, 1)
        assert rows["khmer"]["poor_rate"] == 6.25
        assert (rows["kinh"]["households"], rows["kinh"]["poor"]) == (16, 0)
        assert rows["kinh"]["poor_rate"] == 0.0

    def test_ethnicity_filter(self, client, admin, hamlet_of_32):
        body = client.get(URL, params={"year": 2016, "ethnicity": "khmer"}, headers=admin).json()
        assert (body["total"]["households"], body["total"]["poor_rate"]) == (16, 6.25)

    def test_by_children_of_a_commune(self, client, admin, hamlet_of_32, tree, registered):
        registered(tree["commune_a"]["id"])  # one household right in the commune, no hamlet
        params = {"year": 2016, "place_id": tree["commune_a"]["id"]}
        rows = client.get(URL, params=params, headers=admin).json()["rows"]
        assert [(r["label"], r["households"], r["poor"]) for r in rows] == [
            ("Hòa Ân", 1, 0),
            ("Ấp Sóc Kha", 32, 1),
        ]

    def test_by_children_of_the_district(self, client, admin, hamlet_of_32, tree, registered):
        registered(tree["hamlet_b"]["id"])
        params = {"year": 2016, "place_id": tree["district"]["id"]}
        body = client.get(URL, params=params, headers=admin).json()
        assert [(r["label"], r["households"]) for r in body["rows"]] == [
            ("Hòa Ân", 32),
            ("Phong Thạnh", 1),
        ]
        assert body["place"]["name"] == "Cầu Kè"
        assert body["total"]["households"] == 33


class TestDenominators:
    def test_active_households_of_each_year(self, client, admin, tree, registered, db):
        hamlet = tree["hamlet_b"]["id"]
        archived_2017 = registered(hamlet, "2015-01-10")
        new_2017 = registered(hamlet, "2017-05-01")
        new_end_2016 = registered(hamlet, "2016-12-31")
        gone_31_dec = registered(hamlet, "2015-01-10")
        gone_1_jan = registered(hamlet, "2015-01-10")
        escaped = registered(hamlet, "2015-01-10")
        for home, when in (
            (archived_2017, datetime(2017, 3, 1, 9, tzinfo=VIETNAM)),
            (gone_31_dec, datetime(2016, 12, 31, 23, 30, tzinfo=VIETNAM)),
            (gone_1_jan, datetime(2017, 1, 1, 0, 30, tzinfo=VIETNAM)),
        ):
            db.get(Household, home["id"]).archived_at = when
        db.commit()
        recognise(db, escaped, 2016, "poor")
        recognise(db, escaped, 2018, "near_poor")
        recognise(db, new_end_2016, 2016, "near_poor")
        place = tree["commune_b"]["id"]

        def figures(year):
            total = client.get(URL, params={"year": year, "place_id": place}, headers=admin)
            body = total.json()["total"]
            return body["households"], body["poor"], body["near_poor"]

        assert figures(2016) == (4, 1, 1)  # archived_2017, new_end_2016, gone_1_jan, escaped
        assert figures(2017) == (3, 1, 1)  # new_2017, new_end_2016, escaped (still poor)
        assert figures(2018) == (3, 0, 2)  # escaped is near-poor now
        assert new_2017["registered_on"] == "2017-05-01"

    def test_latest_change_of_the_year_wins(self, client, admin, tree, registered, db):
        home = registered(tree["hamlet_a"]["id"])
        recognise(db, home, 2018, "not_poor", effective=datetime(2018, 3, 1).date())
        recognise(db, home, 2018, "poor", kind="adhoc", effective=datetime(2018, 7, 1).date())
        body = client.get(URL, params={"year": 2018}, headers=admin).json()
        assert body["total"]["poor"] == 1

    def test_default_year_is_the_latest_review(self, client, admin, hamlet_of_32):
        assert client.get(URL, headers=admin).json()["year"] == 2016


class TestAccess:
    def test_anonymous(self, client):
        assert client.get(URL).status_code == 401

    def test_auditor_reads(self, client, auditor, hamlet_of_32):
        assert client.get(URL, params={"year": 2016}, headers=auditor).status_code == 200

    def test_unknown_place(self, client, admin):
        response = client.get(URL, params={"place_id": "pl_nope"}, headers=admin)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_invalid_by(self, client, admin):
        assert client.get(URL, params={"by": "sex"}, headers=admin).status_code == 422

    def test_officer_sees_their_commune_only(
        self, client, officer, admin, hamlet_of_32, tree, registered, db
    ):
        other = registered(tree["hamlet_b"]["id"])
        recognise(db, other, 2016, "poor")
        assert client.get(URL, params={"year": 2016}, headers=admin).json()["total"]["poor"] == 2
        body = client.get(URL, params={"year": 2016}, headers=officer).json()
        assert [row["label"] for row in body["rows"]] == ["Hòa Ân"]
        assert (body["total"]["households"], body["total"]["poor"]) == (32, 1)
        # The district above the commune is visible by name, but not a report's place: it
        # would show only the commune's figures under the district's name.
        district = {"year": 2016, "place_id": tree["district"]["id"]}
        assert client.get(URL, params=district, headers=officer).status_code == 404
        outside = {"year": 2016, "place_id": tree["commune_b"]["id"]}
        assert client.get(URL, params=outside, headers=officer).status_code == 404


class TestExports:
    def test_csv_with_bom_and_vietnamese_headers(self, client, admin, hamlet_of_32):
        response = client.get(URL, params={"year": 2016, "format": "csv"}, headers=admin)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == (
            'attachment; filename="ty-le-ho-ngheo-2016.csv"'
        )
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:4] == ["Địa bàn", "Tổng số hộ", "Số hộ nghèo", "Tỷ lệ hộ nghèo (%)"]
        assert rows[1][:6] == ["Hòa Ân", "32", "1", "3.13", "5", "15.63"]
        assert rows[2][:4] == ["Tổng cộng", "32", "1", "3.13"]

    def test_xlsx_numbers_and_percentages(self, client, admin, hamlet_of_32):
        response = client.get(
            URL, params={"year": 2016, "by": "ethnicity", "format": "xlsx"}, headers=admin
        )
        assert response.status_code == 200
        assert response.headers["content-disposition"].endswith('ty-le-ho-ngheo-2016.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("Dân tộc", "Tổng số hộ", "Số hộ nghèo", "Tỷ lệ hộ nghèo (%)")
        by_label = {row[0]: row for row in rows[1:]}
        assert by_label["Khmer"][1:3] == (16, 1)
        # The same numbers as the JSON and the CSV, under the "(%)" header.
        assert by_label["Khmer"][3] == pytest.approx(6.25)
        assert by_label["Tổng cộng"][3] == pytest.approx(3.13)
        assert sheet["D2"].number_format == "0.00"
        assert sheet["B2"].number_format == "#,##0"
