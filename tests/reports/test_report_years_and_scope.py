"""Reports say which review their figures come from, refuse what they cannot answer, and
export the same numbers in every format."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.reports.conftest import REPORTS, households, recognise

RATE = f"{REPORTS}/poverty-rate"


@pytest.fixture
def reviewed(tree, db):
    """Ten households of Hòa Ân's hamlet: two poor in 2016, one poor in 2018."""
    homes = households(db, tree["hamlet_a"], 10)
    recognise(db, homes[0], 2016, "poor")
    recognise(db, homes[1], 2016, "poor")
    recognise(db, homes[1], 2018, "not_poor", transition="escaped_poverty")
    return homes


def rate_of(client, headers, **params):
    response = client.get(RATE, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestDataYear:
    def test_a_year_before_any_review_has_no_figures(self, client, admin, reviewed):
        body = rate_of(client, admin, year=2015)
        assert (body["year"], body["data_year"], body["standard"]) == (2015, None, None)
        assert body["rows"] == []
        total = body["total"]
        assert total["households"] == 10  # the register, which is known
        assert (total["poor"], total["near_poor"], total["poor_rate"]) == (None, None, None)

    def test_a_review_year_answers_from_itself(self, client, admin, reviewed):
        body = rate_of(client, admin, year=2016)
        assert (body["data_year"], body["standard"]) == (2016, "QD59-2015")
        assert (body["total"]["poor"], body["total"]["poor_rate"]) == (2, 20.0)

    def test_a_later_year_says_it_answers_from_the_last_review(self, client, admin, reviewed):
        body = rate_of(client, admin, year=2023)
        assert (body["year"], body["data_year"], body["standard"]) == (2023, 2018, "ND07-2021")
        assert body["total"]["poor"] == 1

    def test_default_year(self, client, admin, reviewed):
        body = rate_of(client, admin)
        assert (body["year"], body["data_year"]) == (2018, 2018)

    def test_csv_before_any_review(self, client, admin, reviewed):
        response = client.get(RATE, params={"year": 2015, "format": "csv"}, headers=admin)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[1][:4] == ["Tổng cộng", "10", "", ""]

    def test_coverage_and_visits_carry_the_data_year(self, client, admin, reviewed):
        for report in ("support-coverage", "visit-coverage"):
            body = client.get(f"{REPORTS}/{report}", params={"year": 2015}, headers=admin).json()
            assert body["data_year"] is None, report
            body = client.get(f"{REPORTS}/{report}", params={"year": 2020}, headers=admin).json()
            assert body["data_year"] == 2018, report


class TestPlaceOutsideTheCaller:
    @pytest.mark.parametrize(
        "report", ["poverty-rate", "transitions", "support-coverage", "visit-coverage", "progress"]
    )
    def test_the_district_above_an_officer_is_not_found(
        self, client, officer, tree, reviewed, report
    ):
        params = {"place_id": tree["district"]["id"]}
        response = client.get(f"{REPORTS}/{report}", params=params, headers=officer)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_their_commune_and_hamlet_answer(self, client, officer, tree, reviewed):
        for place in ("commune_a", "hamlet_a"):
            body = rate_of(client, officer, year=2016, place_id=tree[place]["id"])
            assert (body["place"]["id"], body["total"]["poor"]) == (tree[place]["id"], 2)

    def test_admin_reads_the_district(self, client, admin, tree, reviewed):
        body = rate_of(client, admin, year=2016, place_id=tree["district"]["id"])
        assert body["place"]["name"] == "Cầu Kè"


TRANSITIONS = f"{REPORTS}/transitions"


class TestTransitionsBaseline:
    def test_the_first_review_year_is_the_baseline(self, client, admin, tree, db, reviewed):
        late = households(db, tree["hamlet_a"], 1)[0]
        recognise(db, late, 2018, "poor", transition="newly_poor")
        params = {"from_year": 2016, "to_year": 2018}
        body = client.get(TRANSITIONS, params=params, headers=admin).json()
        assert body["baseline_year"] == 2016
        rows = {row["key"]: row for row in body["rows"]}
        assert [rows[y]["baseline"] for y in (2016, 2017, 2018)] == [True, False, False]
        assert rows[2016]["newly_poor"] == 0  # `reviewed` gives no transitions in 2016
        assert (body["total"]["newly_poor"], body["total"]["baseline"]) == (1, False)

    def test_baseline_counts_stay_out_of_the_total(self, client, admin, tree, db):
        homes = households(db, tree["hamlet_a"], 3)
        for home in homes:
            recognise(db, home, 2016, "poor", transition="newly_poor")
        recognise(db, homes[0], 2017, "not_poor", transition="escaped_poverty")
        params = {"from_year": 2016, "to_year": 2017}
        body = client.get(TRANSITIONS, params=params, headers=admin).json()
        assert body["rows"][0]["newly_poor"] == 3
        assert (body["total"]["newly_poor"], body["total"]["escaped_poverty"]) == (0, 1)

    def test_only_the_baseline_year(self, client, admin, tree, db):
        for home in households(db, tree["hamlet_a"], 2):
            recognise(db, home, 2016, "poor", transition="newly_poor")
        for by in ("year", "place"):
            body = client.get(TRANSITIONS, params={"year": 2016, "by": by}, headers=admin).json()
            assert all(row["baseline"] for row in body["rows"]), by
            assert (body["total"]["newly_poor"], body["total"]["baseline"]) == (2, True), by

    def test_inverted_range_is_refused(self, client, admin, reviewed):
        params = {"from_year": 2018, "to_year": 2016}
        response = client.get(TRANSITIONS, params=params, headers=admin)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["pointer"] == "/from_year"


class TestExportsMatchTheCsv:
    def test_rates_are_the_csv_numbers(self, client, admin, reviewed):
        params = {"year": 2016}
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    client.get(
                        RATE, params={**params, "format": "csv"}, headers=admin
                    ).content.decode("utf-8-sig")
                )
            )
        )
        response = client.get(RATE, params={**params, "format": "xlsx"}, headers=admin)
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["D1"].value == "Tỷ lệ hộ nghèo (%)"
        assert sheet["D2"].value == float(csv_rows[1][3]) == 20.0
        assert sheet["D2"].number_format == "0.00"

    def test_transition_years_are_numbers(self, client, admin, reviewed):
        params = {"from_year": 2016, "to_year": 2018, "format": "xlsx"}
        response = client.get(TRANSITIONS, params=params, headers=admin)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert [row[0] for row in rows] == ["Năm", 2016, 2017, 2018, "Tổng cộng"]
        assert [row[-1] for row in rows[1:4]] == ["có", "không", "không"]
        csv_text = client.get(
            TRANSITIONS, params={**params, "format": "csv"}, headers=admin
        ).content.decode("utf-8-sig")
        assert csv_text.splitlines()[1].startswith("2016,")
