"""Yearly transitions over multi-year histories, and the year a household last escaped."""

import pytest

from api.standards import transitions
from api.standards.engine import InvalidInput
from api.standards.transitions import TRANSITIONS, escaped_on, yearly_transition


@pytest.mark.parametrize(
    ("history", "new_status", "expected"),
    [
        ([], "poor", "newly_poor"),
        ([], "near_poor", "newly_near_poor"),
        ([], "average", None),
        ([], "not_poor", None),
        (["not_poor"], "poor", "newly_poor"),
        (["near_poor", "near_poor"], "poor", "newly_poor"),
        (["poor"], "poor", "remained_poor"),
        (["poor"], "near_poor", "escaped_poverty"),
        (["poor"], "average", "escaped_poverty"),
        (["poor"], "not_poor", "escaped_poverty"),
        (["poor", "near_poor"], "poor", "re_poor"),
        (["poor", "not_poor", "average", "not_poor"], "poor", "re_poor"),
        (["poor", "near_poor", "poor"], "poor", "remained_poor"),
        (["average"], "near_poor", "newly_near_poor"),
        (["not_poor"], "near_poor", "newly_near_poor"),
        (["poor", "not_poor"], "near_poor", "newly_near_poor"),
        (["near_poor"], "near_poor", "remained_near_poor"),
        (["poor", "near_poor"], "near_poor", "remained_near_poor"),
        (["near_poor"], "average", "escaped_near_poverty"),
        (["near_poor"], "not_poor", "escaped_near_poverty"),
        (["average"], "not_poor", None),
        (["poor", "not_poor"], "not_poor", None),
    ],
)
def test_yearly_transition(history, new_status, expected):
    assert yearly_transition(history=history, new_status=new_status) == expected


def replay(statuses):
    """The transition of every year after the first review, in order."""
    return [
        yearly_transition(history=statuses[:index], new_status=status)
        for index, status in enumerate(statuses)
    ]


def test_re_poverty_sequence():
    # poor 2016, near-poor 2017, poor 2018
    assert replay(["poor", "near_poor", "poor"]) == ["newly_poor", "escaped_poverty", "re_poor"]


def test_escape_and_stay_out_sequence():
    statuses = ["poor", "poor", "near_poor", "near_poor", "average", "not_poor"]
    assert replay(statuses) == [
        "newly_poor",
        "remained_poor",
        "escaped_poverty",
        "remained_near_poor",
        "escaped_near_poverty",
        None,
    ]


def test_near_poor_household_that_falls_into_poverty_is_newly_poor():
    assert replay(["not_poor", "near_poor", "poor", "poor"]) == [
        None,
        "newly_near_poor",
        "newly_poor",
        "remained_poor",
    ]


def test_every_transition_is_documented_in_the_module():
    for name in TRANSITIONS:
        assert f"`{name}`" in transitions.__doc__


@pytest.mark.parametrize(
    ("history", "new_status", "pointer"),
    [
        (["poor", "rich"], "poor", "/history/1"),
        ([], "POOR", "/new_status"),
        ("poor", "poor", "/history"),
    ],
)
def test_yearly_transition_rejects_unknown_statuses(history, new_status, pointer):
    with pytest.raises(InvalidInput) as caught:
        yearly_transition(history=history, new_status=new_status)
    assert caught.value.pointer == pointer


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([], None),
        ([(2016, "not_poor"), (2017, "near_poor")], None),
        ([(2016, "poor"), (2017, "poor")], None),
        ([(2016, "poor"), (2017, "near_poor")], 2017),
        ([(2016, "poor"), (2017, "near_poor"), (2018, "not_poor")], 2017),
        ([(2016, "poor"), (2017, "near_poor"), (2018, "poor")], None),
        ([(2016, "poor"), (2017, "near_poor"), (2018, "poor"), (2019, "average")], 2019),
        ([(2016, "poor"), (2019, "not_poor")], 2019),
    ],
)
def test_escaped_on(history, expected):
    assert escaped_on(history=history) == expected


@pytest.mark.parametrize(
    ("history", "pointer"),
    [
        ([(2016, "poor"), (2016, "not_poor")], "/history/1"),
        ([(2017, "poor"), (2016, "not_poor")], "/history/1"),
        ([(2016, "poor"), ("2017", "poor")], "/history/1"),
        ([(2016, "poor", "extra")], "/history/0"),
        ([(2016, "wealthy")], "/history/0"),
    ],
)
def test_escaped_on_rejects_bad_histories(history, pointer):
    with pytest.raises(InvalidInput) as caught:
        escaped_on(history=history)
    assert caught.value.pointer == pointer
