"""Transitions per year, targets (/api/v1/targets) and the progress report against them."""

import io

import pytest
from openpyxl import load_workbook

from api.core.dates import today_in_vietnam
from tests.reports.conftest import REPORTS, households, recognise

TARGETS = "/api/v1/targets"


@pytest.fixture
def history(tree, db):
    """Ten households of Hòa Ân over 2016-2018: 4 poor in 2016, 3 in 2017, 1 in 2018."""
    homes = households(db, tree["hamlet_a"], 10, ethnicity="khmer")
    plan = [
        # 2016, 2017, 2018 with the transition of each change
        [("poor", "newly_poor"), ("poor", "remained_poor"), ("near_poor", "escaped_poverty")],
        [("poor", "newly_poor"), ("near_poor", "escaped_poverty"), ("poor", "re_poor")],
        [("poor", "newly_poor"), ("poor", "remained_poor"), ("average", "escaped_poverty")],
        [("poor", "newly_poor"), ("not_poor", "escaped_poverty")],
        [("near_poor", "newly_near_poor"), ("poor", "newly_poor")],
        [("near_poor", "newly_near_poor"), ("average", "escaped_near_poverty")],
    ]
    for home, changes in zip(homes, plan, strict=False):
        for year, (status, transition) in zip((2016, 2017, 2018), changes, strict=False):
            recognise(db, home, year, status, transition=transition)
    return homes


class TestTransitions:
    def test_per_year(self, client, admin, history):
        params = {"from_year": 2016, "to_year": 2018}
        body = client.get(f"{REPORTS}/transitions", params=params, headers=admin).json()
        rows = {row["key"]: row for row in body["rows"]}
        assert [rows[y]["newly_poor"] for y in (2016, 2017, 2018)] == [4, 1, 0]
        assert [rows[y]["re_poor"] for y in (2016, 2017, 2018)] == [0, 0, 1]
        assert [rows[y]["escaped_poverty"] for y in (2016, 2017, 2018)] == [0, 2, 2]
        assert [rows[y]["escaped_near_poverty"] for y in (2016, 2017, 2018)] == [0, 1, 0]
        # 2016 is the first review: the baseline register, not new poverty.
        assert [rows[y]["baseline"] for y in (2016, 2017, 2018)] == [True, False, False]
        assert body["baseline_year"] == 2016
        assert body["total"]["newly_poor"] == 1

    def test_one_year_by_place_and_export(self, client, admin, history, tree):
        params = {"year": 2018, "by": "place", "format": "xlsx"}
        response = client.get(f"{REPORTS}/transitions", params=params, headers=admin)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[0] == (
            "Địa bàn",
            "Hộ nghèo phát sinh",
            "Hộ tái nghèo",
            "Hộ thoát nghèo",
            "Hộ cận nghèo phát sinh",
            "Hộ thoát cận nghèo",
            "Năm gốc (không cộng vào tổng)",
        )
        assert rows[1] == ("Hòa Ân", 0, 1, 2, 0, 0, "không")


def _create(client, headers, place_id, **fields):
    body = {"place_id": place_id, "year": 2020, "max_rate": 4, "source_note": "CV 4933", **fields}
    return client.post(TARGETS, json=body, headers=headers)


class TestTargets:
    def test_admin_creates_and_reads(self, client, admin, tree):
        response = _create(client, admin, tree["district"]["id"])
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["year"], body["kind"], body["max_rate"]) == (2020, "poor", 4.0)
        assert body["place"]["name"] == "Cầu Kè"
        assert response.headers["ETag"]
        read = client.get(f"{TARGETS}/{body['id']}", headers=admin)
        assert read.json()["source_note"] == "CV 4933"

    def test_officer_may_not_create_but_reads_the_district(self, client, admin, officer, tree):
        assert _create(client, officer, tree["commune_a"]["id"]).status_code == 403
        target = _create(client, admin, tree["district"]["id"]).json()
        listed = client.get(TARGETS, headers=officer).json()["items"]
        assert [t["id"] for t in listed] == [target["id"]]

    def test_one_per_place_year_and_kind(self, client, admin, tree):
        assert _create(client, admin, tree["district"]["id"]).status_code == 201
        assert _create(client, admin, tree["district"]["id"]).status_code == 409
        near = _create(client, admin, tree["district"]["id"], kind="near_poor", max_rate=8.5)
        assert near.status_code == 201

    def test_invalid(self, client, admin, tree):
        assert _create(client, admin, tree["district"]["id"], max_rate=101).status_code == 422
        assert _create(client, admin, tree["district"]["id"], max_rate=4.255).status_code == 422
        assert _create(client, admin, "pl_nope").status_code == 422

    def test_update_and_delete_need_if_match(self, client, admin, tree):
        created = _create(client, admin, tree["district"]["id"])
        url = f"{TARGETS}/{created.json()['id']}"
        assert client.patch(url, json={"max_rate": 3.5}, headers=admin).status_code == 428
        etag = created.headers["ETag"]
        response = client.patch(url, json={"max_rate": 3.5}, headers={**admin, "If-Match": etag})
        assert response.status_code == 200
        assert response.json()["max_rate"] == 3.5
        stale = client.delete(url, headers={**admin, "If-Match": etag})
        assert stale.status_code == 412
        fresh = {**admin, "If-Match": response.headers["ETag"]}
        assert client.delete(url, headers=fresh).status_code == 204
        assert client.get(url, headers=admin).status_code == 404


class TestProgress:
    def test_gap_and_pace(self, client, admin, history, tree):
        later = today_in_vietnam().year + 4
        _create(client, admin, tree["district"]["id"], year=later, max_rate=4)
        _create(client, admin, tree["district"]["id"], year=2018, max_rate=20, kind="poor")
        body = client.get(f"{REPORTS}/progress", headers=admin).json()
        by_year = {row["target"]["year"]: row for row in body["rows"]}
        row = by_year[later]
        # 2018: 2 poor of 10 = 20 %; 4 % in 4 years: 16 points over the 5 reviews still to
        # come (this year's and the next four); 2016 was 40 %.
        assert (row["actual_year"], row["households"], row["count"]) == (2018, 10, 2)
        assert (row["actual_rate"], row["gap"], row["years_left"]) == (20.0, 16.0, 5)
        assert (row["yearly_pace_needed"], row["baseline_rate"]) == (3.2, 40.0)
        assert (row["observed_yearly_pace"], row["status"]) == (10.0, "on_track")
        assert row["households_to_exit"] == 2  # 4 % of 10 households allows none
        assert (by_year[2018]["gap"], by_year[2018]["status"]) == (0.0, "reached")
        assert by_year[2018]["years_left"] == 0

    def test_behind_and_missed(self, client, admin, history, tree):
        this_year = today_in_vietnam().year
        _create(client, admin, tree["commune_a"]["id"], year=this_year, max_rate=0)
        _create(client, admin, tree["commune_a"]["id"], year=2017, max_rate=1)
        rows = client.get(f"{REPORTS}/progress", headers=admin).json()["rows"]
        by_year = {row["target"]["year"]: row for row in rows}
        row = by_year[this_year]  # one review left (this year's) to go from 20 % to 0 %
        assert (row["years_left"], row["yearly_pace_needed"], row["status"]) == (1, 20.0, "behind")
        assert (by_year[2017]["actual_rate"], by_year[2017]["status"]) == (30.0, "missed")
        assert by_year[2017]["years_left"] == 0

    def test_a_past_target_is_judged_on_its_own_year(self, client, admin, history, tree):
        """2020 is over: the 2018 review cannot say whether 4 % was reached in 2020."""
        _create(client, admin, tree["district"]["id"], year=2020, max_rate=4)
        _create(client, admin, tree["district"]["id"], year=2018, max_rate=4, kind="near_poor")
        rows = client.get(f"{REPORTS}/progress", headers=admin).json()["rows"]
        by_year = {row["target"]["year"]: row for row in rows}
        row = by_year[2020]
        assert (row["status"], row["years_left"], row["actual_year"]) == ("no_data", 0, 2018)
        assert row["yearly_pace_needed"] is None
        # 2018's target, judged on 2018's review: 1 near-poor of 10 = 10 % > 4 %.
        assert (by_year[2018]["status"], by_year[2018]["years_left"]) == ("missed", 0)

    def test_no_data_and_export(self, client, admin, tree):
        _create(client, admin, tree["commune_b"]["id"])
        body = client.get(f"{REPORTS}/progress", headers=admin).json()
        assert [row["status"] for row in body["rows"]] == ["no_data"]
        csv = client.get(f"{REPORTS}/progress", params={"format": "csv"}, headers=admin)
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Địa bàn,Chỉ tiêu,Năm chỉ tiêu,Tỷ lệ tối đa (%)")
        assert lines[1].startswith("Phong Thạnh,hộ nghèo,2020,4.00,")
        assert lines[1].endswith("Chưa có số liệu,CV 4933")
