"""The reports' maintained counts (api/reports/counts.py, issue 9) against the live
aggregation of households and status changes they replaced: equal after every kind of write
that changes them (reviews, registration, moves, ethnicity, archive and restore, imports), and
equal to a rebuild from scratch, so they never drift."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from api.core.dates import VIETNAM
from api.models import (
    Household,
    Place,
    ReportFollowedHousehold,
    ReportStatusCount,
    ReportTransitionCount,
)
from api.reports.common import ethnicity_grouping, place_grouping
from api.reports.counts import ChangeFacts, HouseholdFacts, status_rows, transition_rows
from api.reports.counts_refresh import rebuild_all
from api.reports.field import visit_coverage_report
from api.reports.poverty import _transition_counts, rate_counts
from api.reports.supports import coverage_report
from tests.reports.conftest import households, recognise
from tests.reports.live_counts import (
    live_coverage_report,
    live_rate_counts,
    live_transition_counts,
    live_visit_coverage_report,
)
from tests.reports.test_field_reports import district  # noqa: F401  (a fixture)
from tests.reports.test_imports import GOOD, send, workbook

# Before any registration, the years of the reviews, after them, this year and the next.
YEARS = (2013, 2014, 2015, 2016, 2017, 2018, 2019, 2026, 2027)
HOUSEHOLDS = "/api/v1/households"


def snapshot(db) -> tuple[list, list]:
    return tuple(
        sorted(tuple(row) for row in db.execute(select(*model.__table__.columns)))
        for model in (ReportStatusCount, ReportTransitionCount, ReportFollowedHousehold)
    )


def maintained_by_place(db, *, year, place, by, ethnicity=None) -> dict:
    groups = rate_counts(db, year=year, place=place, by=by, ethnicity=ethnicity)
    return {
        key: (
            counts["households"],
            counts["poor"],
            counts["near_poor"],
            counts["poor_without_labour_capacity"],
            counts["data_year"],
        )
        for key, counts in groups
    }


def live_by_place(db, *, year, place, by, ethnicity=None) -> dict:
    grouping = ethnicity_grouping() if by == "ethnicity" else place_grouping(place)
    return live_rate_counts(db, year=year, place=place, grouping=grouping, ethnicity=ethnicity)


def assert_no_drift(db) -> None:
    """The counts maintained write by write equal a rebuild from scratch."""
    db.expire_all()
    maintained = snapshot(db)
    rebuild_all(db)
    assert snapshot(db) == maintained, "the maintained counts drifted from a rebuild"


def assert_counts_true(db, tree) -> None:
    """No drift, and the counts give what the live aggregation gives for every year, place,
    grouping and ethnicity filter the reports offer."""
    assert_no_drift(db)
    places = [None] + [
        db.get(Place, tree[name]["id"]) for name in ("district", "commune_a", "hamlet_b")
    ]
    for place in places:
        for year in YEARS:
            for by, ethnicity in (("place", None), ("ethnicity", None), ("place", "khmer")):
                args = {"year": year, "place": place, "by": by, "ethnicity": ethnicity}
                assert maintained_by_place(db, **args) == live_by_place(db, **args), args
        assert_coverage_true(db, place)
        span = (YEARS[0], YEARS[-1])
        assert _transition_counts(db, place, span, "year") == _filled(
            live_transition_counts(db, place, span, None)
        )
        for year in YEARS:
            for by, grouping in (
                ("place", place_grouping(place)),
                ("ethnicity", ethnicity_grouping()),
            ):
                assert _transition_counts(db, place, (year, year), by) == _filled(
                    live_transition_counts(db, place, (year, year), grouping)
                )


def assert_coverage_true(db, place: Place | None) -> None:
    """The coverage reports, which read the followed households, equal their live versions."""
    place_id = place.id if place else None
    for year in YEARS:
        args = {"year": year, "place_id": place_id}
        assert coverage_report(db, **args) == live_coverage_report(db, **args), args
        day = date(2026, 12, 7)
        assert visit_coverage_report(db, **args, as_of=day) == live_visit_coverage_report(
            db, **args, as_of=day
        ), args


def test_coverage_with_supports_and_visits(db, tree, district):  # noqa: F811
    """On the field-work fixture (supports, visits, an escape): the same figures."""
    assert_no_drift(db)
    for name in (None, "district", "commune_a", "hamlet_a", "hamlet_b"):
        assert_coverage_true(db, db.get(Place, tree[name]["id"]) if name else None)


def _filled(counts: dict) -> dict:
    codes = ("newly_poor", "re_poor", "escaped_poverty", "newly_near_poor", "escaped_near_poverty")
    return {key: {code: found.get(code, 0) for code in codes} for key, found in counts.items()}


def etag(client, headers, household_id: str) -> str:
    return client.get(f"{HOUSEHOLDS}/{household_id}", headers=headers).headers["ETag"]


def patch(client, headers, household_id: str, **changes) -> dict:
    match = {"If-Match": etag(client, headers, household_id)}
    response = client.patch(
        f"{HOUSEHOLDS}/{household_id}", json=changes, headers={**headers, **match}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_counts_follow_every_write(client, admin, db, tree, make_household):
    hamlet_a, hamlet_b = tree["hamlet_a"], tree["hamlet_b"]
    homes = households(db, hamlet_a, 5, on=date(2014, 3, 1))
    homes += households(db, hamlet_b, 4, on=date(2016, 7, 1), ethnicity="khmer")
    homes += households(db, tree["commune_a"], 1, on=date(2015, 1, 1))  # right in the commune
    assert_no_drift(db)

    # Reviews: a poor household escapes, an ad-hoc and a periodic change in one year (the
    # later one wins), the labour-capacity flag, a review of a household not yet registered.
    recognise(db, homes[0], 2015, "poor", transition="newly_poor", without_labour_capacity=True)
    recognise(db, homes[0], 2016, "near_poor", transition="escaped_poverty")
    recognise(db, homes[0], 2018, "poor", transition="re_poor")
    early = date(2016, 3, 1)
    recognise(db, homes[1], 2016, "poor", kind="adhoc", effective=early, transition="newly_poor")
    recognise(db, homes[1], 2016, "not_poor", transition="escaped_poverty")
    recognise(db, homes[5], 2015, "near_poor", transition="newly_near_poor")
    recognise(db, homes[6], 2017, "poor", transition="newly_poor")
    recognise(db, homes[9], 2016, "poor", transition="newly_poor")
    assert_counts_true(db, tree)

    # Through the API: a new household, then moved to the other commune, its ethnicity and
    # registration day changed; another archived, then restored.
    home = make_household(hamlet_a["id"], registered_on="2015-05-10")
    assert_no_drift(db)
    patch(client, admin, home["id"], place_id=hamlet_b["id"], move_reason="Chuyển hộ khẩu")
    recognise(db, home, 2017, "near_poor", transition="newly_near_poor")
    assert_counts_true(db, tree)
    patch(client, admin, home["id"], ethnicity="khmer", registered_on="2017-02-01")
    assert_no_drift(db)
    archived = homes[6]["id"]
    match = {"If-Match": etag(client, admin, archived)}
    response = client.delete(f"{HOUSEHOLDS}/{archived}", headers={**admin, **match})
    assert response.status_code == 204, response.text
    assert db.get(Household, archived).archived_at is not None
    assert_counts_true(db, tree)
    match = {"If-Match": etag(client, admin, archived)}
    response = client.post(f"{HOUSEHOLDS}/{archived}/restore", headers={**admin, **match})
    assert response.status_code == 200, response.text
    assert_no_drift(db)

    # An import writes its households in bulk, behind the unit of work.
    response = send(client, admin, workbook(GOOD), place=tree["commune_a"]["id"])
    assert response.json()["stats"]["created"] == 3, response.text
    assert_counts_true(db, tree)


def test_a_report_reads_the_counts_of_its_commit(client, admin, db, tree):
    """A review recognised and committed shows in the next report at once."""
    home = households(db, tree["hamlet_a"], 1, on=date(2015, 1, 1))[0]
    url = "/api/v1/reports/poverty-rate"
    before = client.get(url, params={"year": 2019}, headers=admin).json()["total"]
    recognise(db, home, 2019, "poor", transition="newly_poor")
    after = client.get(url, params={"year": 2019}, headers=admin).json()["total"]
    assert (before["households"], before["poor"]) == (1, None)
    assert (after["households"], after["poor"], after["poor_rate"]) == (1, 1, 100.0)


class TestComputedRows:
    """The pure computation, on hand-made records."""

    def household(self, **fields) -> HouseholdFacts:
        values = {
            "id": "hh1",
            "place_id": "pl1",
            "place_path": "/p/pl1/",
            "commune_id": "c1",
            "ethnicity": "kinh",
            "registered_on": date(2015, 6, 1),
            "archived_at": None,
            **fields,
        }
        return HouseholdFacts(**values)

    def change(self, year, status, transition=None, **fields) -> ChangeFacts:
        values = {
            "household_id": "hh1",
            "year": year,
            "effective_date": date(year, 12, 1),
            "recognised_at": datetime(year, 12, 2, tzinfo=VIETNAM),
            "id": f"sc{year}{status}",
            "new_status": status,
            "transition": transition,
            "without_labour_capacity": False,
            **fields,
        }
        return ChangeFacts(**values)

    def spans(self, rows) -> list[tuple]:
        return sorted(
            (row["status"], row["change_year"], row["year_from"], row["year_to"]) for row in rows
        )

    def test_spans_of_one_household(self):
        rows = status_rows(
            [self.household()], [self.change(2016, "poor"), self.change(2018, "not_poor")]
        )
        assert self.spans(rows) == [
            ("", 0, 2015, 2015),
            ("not_poor", 2018, 2018, None),
            ("poor", 2016, 2016, 2017),
        ]

    def test_archived_on_new_year_counts_until_the_year_before(self):
        # 00:30 on 1 January 2020 in Vietnam is still 2019 in UTC: gone from 2020 on.
        archived = datetime(2020, 1, 1, 0, 30, tzinfo=VIETNAM)
        rows = status_rows([self.household(archived_at=archived)], [self.change(2016, "poor")])
        assert self.spans(rows) == [("", 0, 2015, 2015), ("poor", 2016, 2016, 2019)]

    def test_archived_in_the_year_it_registered_never_counts(self):
        archived = datetime(2015, 8, 1, tzinfo=VIETNAM)
        assert status_rows([self.household(archived_at=archived)], []) == []

    def test_a_household_counts_once_per_transition_and_year(self):
        changes = [
            self.change(2016, "poor", "newly_poor", id="a", effective_date=date(2016, 3, 1)),
            self.change(2016, "poor", "newly_poor", id="b"),
        ]
        rows = transition_rows([self.household()], changes)
        assert [(r["year"], r["transition"], r["households"]) for r in rows] == [
            (2016, "newly_poor", 1)
        ]

    @pytest.mark.parametrize("count", [1, 3])
    def test_equal_households_are_summed_in_one_row(self, count):
        homes = [self.household(id=f"hh{i}") for i in range(count)]
        rows = status_rows(homes, [])
        assert [(r["year_from"], r["year_to"], r["households"]) for r in rows] == [
            (2015, None, count)
        ]
