"""The follow-up schedule as a pure function, and its data file."""

from datetime import date

import pytest

from api.core.months import add_months, whole_months_between
from api.visits.schedule import (
    VISIT_SET,
    Due,
    ScheduleDataError,
    ScheduleFacts,
    load_rules,
    next_due,
    parse_rules,
)

REGISTERED = date(2015, 6, 1)


def facts(status="poor", since=date(2019, 1, 10), escaped_on=None, last=None, upcoming=None):
    return ScheduleFacts(
        status=status,
        status_since=since,
        registered_on=REGISTERED,
        escaped_on=escaped_on,
        last_visit_on=last,
        next_visit_on=upcoming,
    )


class TestMonths:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2019, 1, 31), 1, date(2019, 2, 28)),
            (date(2020, 1, 31), 1, date(2020, 2, 29)),
            (date(2019, 11, 15), 3, date(2020, 2, 15)),
            (date(2019, 3, 31), -1, date(2019, 2, 28)),
        ],
    )
    def test_add_months(self, day, months, expected):
        assert add_months(day, months) == expected

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            (date(2019, 1, 10), date(2019, 1, 10), 0),
            (date(2019, 1, 10), date(2019, 2, 9), 0),
            (date(2019, 1, 10), date(2019, 2, 10), 1),
            (date(2019, 1, 31), date(2019, 2, 28), 1),
            (date(2019, 1, 10), date(2021, 1, 9), 23),
            (date(2019, 5, 1), date(2019, 1, 1), 0),
        ],
    )
    def test_whole_months_between(self, start, end, expected):
        assert whole_months_between(start, end) == expected


class TestNextDue:
    def test_poor_every_quarter_from_the_status(self):
        assert next_due(facts()) == Due(date(2019, 4, 10), "poor_near_poor")

    def test_poor_every_quarter_from_the_last_visit(self):
        assert next_due(facts(last=date(2019, 5, 20))) == Due(date(2019, 8, 20), "poor_near_poor")

    def test_a_date_set_by_the_last_visit_overrides_the_rule(self):
        due = next_due(facts(last=date(2019, 5, 20), upcoming=date(2019, 6, 1)))
        assert due == Due(date(2019, 6, 1), VISIT_SET)

    def test_escaped_monthly_for_six_months(self):
        escaped = facts("not_poor", date(2019, 1, 10), escaped_on=date(2019, 1, 10))
        assert next_due(escaped) == Due(date(2019, 2, 10), "escaped")
        visited = facts("not_poor", escaped_on=date(2019, 1, 10), last=date(2019, 7, 9))
        assert next_due(visited) == Due(date(2019, 8, 9), "escaped")

    def test_escaped_quarterly_from_the_sixth_month(self):
        visited = facts("not_poor", escaped_on=date(2019, 1, 10), last=date(2019, 7, 10))
        assert next_due(visited) == Due(date(2019, 10, 10), "escaped")

    def test_escaped_watch_ends_after_two_years(self):
        # A visit 22 months in: the next one would fall after the 24th month.
        late = facts("not_poor", escaped_on=date(2019, 1, 10), last=date(2020, 11, 11))
        assert next_due(late) is None
        # The last quarterly visit inside the two years.
        inside = facts("not_poor", escaped_on=date(2019, 1, 10), last=date(2020, 10, 10))
        assert next_due(inside) == Due(date(2021, 1, 10), "escaped")

    def test_escaped_to_near_poor_falls_back_on_the_near_poor_rule(self):
        late = facts("near_poor", date(2019, 1, 10), escaped_on=date(2019, 1, 10))
        late = ScheduleFacts(**{**late.__dict__, "last_visit_on": date(2021, 3, 1)})
        assert next_due(late) == Due(date(2021, 6, 1), "poor_near_poor")

    def test_a_visit_before_the_escape_does_not_start_the_clock(self):
        before = facts("not_poor", escaped_on=date(2019, 1, 10), last=date(2018, 12, 1))
        assert next_due(before) == Due(date(2019, 2, 10), "escaped")

    @pytest.mark.parametrize("status", ["unclassified", "average", "not_poor"])
    def test_no_rule_no_date(self, status):
        assert next_due(facts(status)) is None

    def test_without_a_status_date_the_registration_counts(self):
        assert next_due(facts(since=None)) == Due(date(2015, 9, 1), "poor_near_poor")


class TestScheduleFile:
    def test_the_shipped_rules(self):
        rules = load_rules()
        assert [r.code for r in rules] == ["escaped", "poor_near_poor"]
        assert [(p.every_months, p.until_month) for p in rules[0].phases] == [(1, 6), (3, 24)]
        assert rules[1].statuses == frozenset({"poor", "near_poor"})

    @pytest.mark.parametrize(
        "rule",
        [
            {"code": "x", "name_vi": "x", "name_en": "x", "phases": [{"every_months": 1}]},
            {
                "code": "x",
                "name_vi": "x",
                "name_en": "x",
                "statuses": ["rich"],
                "phases": [{"every_months": 1}],
            },
            {
                "code": "x",
                "name_vi": "x",
                "name_en": "x",
                "statuses": ["poor"],
                "phases": [{"every_months": 0}],
            },
            {
                "code": "x",
                "name_vi": "x",
                "name_en": "x",
                "escaped": True,
                "phases": [{"every_months": 1}, {"every_months": 3, "until_month": 6}],
            },
        ],
    )
    def test_malformed_rules_are_refused(self, rule):
        with pytest.raises(ScheduleDataError):
            parse_rules({"schema_version": 1, "rules": [rule]})
