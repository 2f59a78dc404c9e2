"""Properties that must hold for every standard and area, whatever the household."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.standards.engine import CLASSIFICATIONS, classify, load_standards

STANDARDS = list(load_standards().values())
AREAS = ["rural", "urban"]
# Worse-off first; more income or fewer deprivations may only move right.
RANK = {"poor": 0, "near_poor": 1, "average": 2, "not_poor": 3}
MAX_INCOME = 5_000_000


def limits(standard, area):
    """Every income value at which the result may change, with its neighbours."""
    lines = standard.lines[area]
    edges = [lines.poverty_line, lines.near_poverty_line]
    band = (standard.average_band or {}).get(area)
    if band is not None:
        edges += [band.above, band.up_to]
    return sorted({edge + step for edge in edges if edge is not None for step in (-1, 0, 1)})


def incomes(standard, area):
    """Incomes concentrated on the lines, where mistakes hide."""
    return st.one_of(st.sampled_from(limits(standard, area)), st.integers(0, MAX_INCOME))


def status(standard, area, income, codes):
    result = classify(standard=standard, area=area, income_per_capita=income, deprivations=codes)
    return result.classification


@st.composite
def households(draw):
    """A standard, an area, two incomes in order and a set of deprived indicators."""
    standard = draw(st.sampled_from(STANDARDS))
    area = draw(st.sampled_from(AREAS))
    low, high = sorted([draw(incomes(standard, area)), draw(incomes(standard, area))])
    codes = draw(st.lists(st.sampled_from(standard.indicator_codes), unique=True))
    return standard, area, low, high, codes


@given(households())
def test_more_income_never_makes_a_household_poorer(household):
    standard, area, low, high, codes = household
    assert RANK[status(standard, area, low, codes)] <= RANK[status(standard, area, high, codes)]


@given(households(), st.data())
def test_one_more_deprivation_never_makes_a_household_richer(household, data):
    standard, area, income, _, codes = household
    missing = [code for code in standard.indicator_codes if code not in codes]
    if not missing:
        codes = codes[:-1]
        missing = [code for code in standard.indicator_codes if code not in codes]
    extra = data.draw(st.sampled_from(missing))
    before = RANK[status(standard, area, income, codes)]
    after = RANK[status(standard, area, income, [*codes, extra])]
    assert after <= before


@given(households())
def test_only_the_number_of_deprivations_matters(household):
    standard, area, income, _, codes = household
    same_count = list(reversed(standard.indicator_codes))[: len(codes)]
    assert status(standard, area, income, codes) == status(standard, area, income, same_count)


@given(households())
def test_b2_score_agrees_with_listing_indicators(household):
    standard, area, income, _, codes = household
    points = standard.scores.b2_points_per_indicator
    scored = classify(
        standard=standard, area=area, income_per_capita=income, b2_score=points * len(codes)
    )
    assert scored.classification == status(standard, area, income, codes)


@given(households())
def test_result_is_consistent_with_the_rule(household):
    standard, area, income, _, codes = household
    result = classify(standard=standard, area=area, income_per_capita=income, deprivations=codes)
    top = standard.lines[area].near_poverty_line or standard.lines[area].poverty_line
    assert result.classification in CLASSIFICATIONS
    assert (result.classification in ("poor", "near_poor")) == (income <= top)
    if result.classification == "average":
        assert result.average_band.contains(income)
    assert result.deprivation_count == len(codes)
    assert list(result.deprived_indicators) == sorted(codes)
    assert result.reasons[0].code.startswith("income_")
    for reason in result.reasons:
        assert unicodedata.normalize("NFC", reason.vi) == reason.vi


@pytest.mark.parametrize("standard", [s for s in STANDARDS if s.scores.b1_cutoffs])
@given(
    area=st.sampled_from(AREAS),
    b1=st.integers(0, 300),
    more=st.integers(0, 50),
    deprived=st.integers(0, 10),
)
def test_higher_b1_score_never_makes_a_household_poorer(standard, area, b1, more, deprived):
    points = standard.scores.b2_points_per_indicator

    def rank(score):
        result = classify(standard=standard, area=area, b1_score=score, b2_score=points * deprived)
        return RANK[result.classification]

    assert rank(b1) <= rank(b1 + more)
