"""Classification under each standard: every boundary, both bases, the reasons and the errors."""

import json
import unicodedata

import pytest

from api.standards.engine import (
    InvalidInput,
    NoStandardForYear,
    StandardsError,
    UnknownIndicator,
    UnknownStandard,
    classify,
    format_vnd_en,
    format_vnd_vi,
    get_standard,
    indicator_need_categories,
    load_standards,
    standard_for_year,
)
from api.standards.loader import StandardDataError

QD59 = get_standard("QD59-2015")
ND07 = get_standard("ND07-2021")
ND351 = get_standard("ND351-2025")


def deprived(standard, count):
    """The first `count` indicator codes of a standard."""
    return list(standard.indicator_codes[:count])


def by_income(standard, area, income, count):
    result = classify(
        standard=standard,
        area=area,
        income_per_capita=income,
        deprivations=deprived(standard, count),
    )
    return result.classification


# (area, income, deprived count, expected)
QD59_CASES = [
    ("rural", 0, 0, "poor"),
    ("rural", 700_000, 0, "poor"),
    ("rural", 700_000, 10, "poor"),
    ("rural", 700_001, 2, "near_poor"),
    ("rural", 700_001, 3, "poor"),
    ("rural", 1_000_000, 2, "near_poor"),
    ("rural", 1_000_000, 3, "poor"),
    ("rural", 1_000_001, 0, "average"),
    ("rural", 1_000_001, 10, "average"),
    ("rural", 1_500_000, 3, "average"),
    ("rural", 1_500_001, 10, "not_poor"),
    ("urban", 0, 0, "poor"),
    ("urban", 900_000, 0, "poor"),
    ("urban", 900_001, 2, "near_poor"),
    ("urban", 900_001, 3, "poor"),
    ("urban", 1_300_000, 2, "near_poor"),
    ("urban", 1_300_000, 3, "poor"),
    ("urban", 1_300_001, 10, "average"),
    ("urban", 1_950_000, 0, "average"),
    ("urban", 1_950_001, 0, "not_poor"),
    # the same household, rural vs urban
    ("rural", 800_000, 2, "near_poor"),
    ("urban", 800_000, 2, "poor"),
    ("rural", 1_200_000, 0, "average"),
    ("urban", 1_200_000, 0, "near_poor"),
]

ND07_CASES = [
    ("rural", 0, 0, "near_poor"),
    ("rural", 0, 2, "near_poor"),
    ("rural", 0, 3, "poor"),
    ("rural", 1_500_000, 2, "near_poor"),
    ("rural", 1_500_000, 3, "poor"),
    ("rural", 1_500_001, 12, "average"),
    ("rural", 2_250_000, 0, "average"),
    ("rural", 2_250_001, 12, "not_poor"),
    ("urban", 0, 2, "near_poor"),
    ("urban", 2_000_000, 2, "near_poor"),
    ("urban", 2_000_000, 3, "poor"),
    ("urban", 2_000_001, 12, "average"),
    ("urban", 3_000_000, 0, "average"),
    ("urban", 3_000_001, 0, "not_poor"),
    ("rural", 1_800_000, 3, "average"),
    ("urban", 1_800_000, 3, "poor"),
]

ND351_CASES = [
    ("rural", 0, 2, "near_poor"),
    ("rural", 0, 3, "poor"),
    ("rural", 2_200_000, 2, "near_poor"),
    ("rural", 2_200_000, 3, "poor"),
    ("rural", 2_200_001, 12, "not_poor"),  # no average band known for this standard
    ("urban", 0, 2, "near_poor"),
    ("urban", 2_800_000, 2, "near_poor"),
    ("urban", 2_800_000, 3, "poor"),
    ("urban", 2_800_001, 12, "not_poor"),
    ("rural", 2_500_000, 3, "not_poor"),
    ("urban", 2_500_000, 3, "poor"),
]


@pytest.mark.parametrize(("area", "income", "count", "expected"), QD59_CASES)
def test_qd59_income_boundaries(area, income, count, expected):
    assert by_income(QD59, area, income, count) == expected


@pytest.mark.parametrize(("area", "income", "count", "expected"), ND07_CASES)
def test_nd07_income_boundaries(area, income, count, expected):
    assert by_income(ND07, area, income, count) == expected


@pytest.mark.parametrize(("area", "income", "count", "expected"), ND351_CASES)
def test_nd351_income_boundaries(area, income, count, expected):
    assert by_income(ND351, area, income, count) == expected


# (standard, area, b1, b2, expected)
SCORE_CASES = [
    (QD59, "rural", 0, 0, "poor"),
    (QD59, "rural", 120, 0, "poor"),
    (QD59, "rural", 121, 20, "near_poor"),
    (QD59, "rural", 121, 30, "poor"),
    (QD59, "rural", 150, 20, "near_poor"),
    (QD59, "rural", 150, 30, "poor"),
    (QD59, "rural", 151, 100, "not_poor"),
    (QD59, "urban", 140, 0, "poor"),
    (QD59, "urban", 141, 20, "near_poor"),
    (QD59, "urban", 141, 30, "poor"),
    (QD59, "urban", 175, 20, "near_poor"),
    (QD59, "urban", 176, 100, "not_poor"),
    (ND07, "rural", 0, 0, "near_poor"),
    (ND07, "rural", 140, 20, "near_poor"),
    (ND07, "rural", 140, 30, "poor"),
    (ND07, "rural", 141, 120, "not_poor"),
    (ND07, "urban", 175, 20, "near_poor"),
    (ND07, "urban", 175, 30, "poor"),
    (ND07, "urban", 176, 120, "not_poor"),
]


@pytest.mark.parametrize(("standard", "area", "b1", "b2", "expected"), SCORE_CASES)
def test_b1_and_b2_scores(standard, area, b1, b2, expected):
    result = classify(standard=standard, area=area, b1_score=b1, b2_score=b2)
    assert result.classification == expected
    assert result.basis == "b1_score"
    assert result.deprivation_basis == "b2_score"
    assert result.deprivation_count == b2 // 10
    assert result.deprived_indicators == ()


def test_b1_with_listed_deprivations():
    result = classify(standard=QD59, area="rural", b1_score=130, deprivations=["HE1", "HE2", "ED1"])
    assert result.classification == "poor"
    assert result.basis == "b1_score"
    assert result.deprivation_basis == "deprivations"


def test_income_with_b2_score():
    result = classify(standard=ND07, area="urban", income_per_capita=1_000_000, b2_score=20)
    assert result.classification == "near_poor"
    assert result.deprivation_count == 2
    assert [r.code for r in result.reasons] == [
        "income_at_or_below_poverty_line",
        "b2_score_below_threshold",
    ]


def test_b2_score_equals_listing_the_same_number_of_indicators():
    listed = classify(
        standard=ND351, area="rural", income_per_capita=0, deprivations=deprived(ND351, 3)
    )
    scored = classify(standard=ND351, area="rural", income_per_capita=0, b2_score=30)
    assert listed.classification == scored.classification == "poor"


def test_b1_cannot_be_used_without_published_cutoffs():
    with pytest.raises(InvalidInput) as caught:
        classify(standard=ND351, area="rural", b1_score=100, b2_score=0)
    assert caught.value.code == "b1_cutoffs_unavailable"
    assert caught.value.pointer == "/b1_score"


def test_income_at_the_line_reason_wording():
    result = classify(standard=QD59, area="rural", income_per_capita=700_000, deprivations=[])
    assert [reason.to_public() for reason in result.reasons] == [
        {
            "code": "income_at_or_below_poverty_line",
            "vi": "Thu nhập bình quân 700.000 ₫/người/tháng không vượt chuẩn nghèo 700.000 ₫ "
            "(khu vực nông thôn, QĐ 59/2015/QĐ-TTg).",
            "en": "Income of VND 700,000 per person per month is at or below the poverty line of "
            "VND 700,000 (rural area, Decision 59/2015/QĐ-TTg).",
            "verified": True,
        }
    ]


def test_between_lines_with_deprivations_reason_wording():
    result = classify(
        standard=QD59,
        area="urban",
        income_per_capita=1_000_000,
        deprivations=["ws1", "HE2", "in2"],
    )
    assert result.classification == "poor"
    assert result.deprived_indicators == ("HE2", "IN2", "WS1")
    assert [(r.code, r.vi, r.en) for r in result.reasons] == [
        (
            "income_between_poverty_and_near_poverty_lines",
            "Thu nhập bình quân 1.000.000 ₫/người/tháng cao hơn chuẩn nghèo 900.000 ₫ và không "
            "vượt chuẩn cận nghèo 1.300.000 ₫ (khu vực thành thị, QĐ 59/2015/QĐ-TTg).",
            "Income of VND 1,000,000 per person per month is above the poverty line of "
            "VND 900,000 and at or below the near-poverty line of VND 1,300,000 "
            "(urban area, Decision 59/2015/QĐ-TTg).",
        ),
        (
            "deprivations_at_or_above_threshold",
            "Hộ thiếu hụt 3 chỉ số (HE2, IN2, WS1), đạt ngưỡng từ 3 chỉ số trở lên.",
            "The household is deprived in 3 indicators (HE2, IN2, WS1), meeting the threshold "
            "of 3 or more.",
        ),
    ]


def test_no_deprivation_reason_wording():
    result = classify(standard=ND07, area="rural", income_per_capita=0, deprivations=[])
    assert result.classification == "near_poor"
    assert result.reasons[1].vi == "Hộ không thiếu hụt chỉ số nào, dưới ngưỡng 3 chỉ số."
    assert result.reasons[1].en == (
        "The household is not deprived in any indicator, below the threshold of 3."
    )


def test_one_deprivation_is_singular_in_english():
    result = classify(standard=ND07, area="rural", income_per_capita=0, deprivations=["em2"])
    assert result.reasons[1].en == (
        "The household is deprived in 1 indicator (EM2), below the threshold of 3."
    )


def test_scores_reason_wording():
    result = classify(standard=QD59, area="rural", b1_score=121, b2_score=30)
    assert [(r.code, r.vi, r.en, r.verified) for r in result.reasons] == [
        (
            "b1_between_poverty_and_near_poverty_cutoffs",
            "Điểm B1 là 121, cao hơn ngưỡng nghèo 120 điểm và không vượt ngưỡng cận nghèo 150 "
            "điểm (khu vực nông thôn, QĐ 59/2015/QĐ-TTg).",
            "B1 score 121 is above the poverty cut-off of 120 points and at or below the "
            "near-poverty cut-off of 150 points (rural area, Decision 59/2015/QĐ-TTg).",
            False,
        ),
        (
            "b2_score_at_or_above_threshold",
            "Điểm B2 là 30 (tương ứng 3 chỉ số thiếu hụt), đạt ngưỡng từ 30 điểm trở lên.",
            "B2 score 30 (3 deprived indicators) meets the threshold of 30 points or more.",
            False,
        ),
    ]


@pytest.mark.parametrize(
    ("standard", "area", "income", "codes"),
    [
        (QD59, "rural", 700_000, ["income_at_or_below_poverty_line"]),
        (
            QD59,
            "rural",
            700_001,
            ["income_between_poverty_and_near_poverty_lines", "deprivations_below_threshold"],
        ),
        (
            QD59,
            "rural",
            1_000_001,
            ["income_above_near_poverty_line", "income_within_average_band"],
        ),
        (QD59, "rural", 1_500_001, ["income_above_near_poverty_line", "income_above_average_band"]),
        (
            ND07,
            "urban",
            2_000_000,
            ["income_at_or_below_poverty_line", "deprivations_below_threshold"],
        ),
        (ND07, "urban", 2_000_001, ["income_above_poverty_line", "income_within_average_band"]),
        (ND351, "urban", 2_800_001, ["income_above_poverty_line"]),
    ],
)
def test_reason_codes(standard, area, income, codes):
    result = classify(standard=standard, area=area, income_per_capita=income, deprivations=["HE2"])
    assert [reason.code for reason in result.reasons] == codes


def test_b1_above_cutoff_is_not_poor_never_average():
    result = classify(standard=ND07, area="rural", b1_score=141, deprivations=[])
    assert result.classification == "not_poor"
    assert [reason.code for reason in result.reasons] == ["b1_above_poverty_cutoff"]


def test_reason_verification_follows_the_data():
    average = classify(standard=ND07, area="rural", income_per_capita=2_000_000, deprivations=[])
    assert [reason.verified for reason in average.reasons] == [True, False]
    provisional = classify(standard=ND351, area="rural", income_per_capita=0, deprivations=[])
    assert [reason.verified for reason in provisional.reasons] == [False, False]
    assert provisional.provisional is True
    assert average.provisional is False


def test_vietnamese_text_is_nfc():
    result = classify(standard=QD59, area="rural", income_per_capita=1_200_000, b2_score=0)
    for reason in result.reasons:
        assert unicodedata.normalize("NFC", reason.vi) == reason.vi


def test_classification_to_public():
    result = classify(
        standard=ND07, area="urban", income_per_capita=1_000_000, deprivations=["HE1", "em1", "WS2"]
    )
    public = result.to_public()
    assert json.loads(json.dumps(public)) == public
    assert {key: value for key, value in public.items() if key != "reasons"} == {
        "standard": "ND07-2021",
        "classification": "poor",
        "area": "urban",
        "basis": "income",
        "deprivation_basis": "deprivations",
        "income_per_capita": 1_000_000,
        "b1_score": None,
        "b2_score": None,
        "deprivation_count": 3,
        "deprived_indicators": ["EM1", "HE1", "WS2"],
        "poverty_line": 2_000_000,
        "near_poverty_line": None,
        "average_band": {
            "above": 2_000_000,
            "up_to": 3_000_000,
            "source": "domain.md §3.2, marked [verify]: secondary source",
            "verified": False,
        },
        "provisional": False,
    }
    assert [reason["code"] for reason in public["reasons"]] == [
        "income_at_or_below_poverty_line",
        "deprivations_at_or_above_threshold",
    ]


def test_lines_reported_for_a_two_line_standard():
    result = classify(standard=QD59, area="urban", income_per_capita=0, deprivations=[])
    assert (result.poverty_line, result.near_poverty_line) == (900_000, 1_300_000)
    assert (result.average_band.above, result.average_band.up_to) == (1_300_000, 1_950_000)


def test_no_average_band_for_nd351():
    result = classify(standard=ND351, area="urban", income_per_capita=0, deprivations=[])
    assert result.average_band is None


# -- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (0, "0 ₫", "VND 0"),
        (700_000, "700.000 ₫", "VND 700,000"),
        (1_500_000, "1.500.000 ₫", "VND 1,500,000"),
        (12_345_678_901, "12.345.678.901 ₫", "VND 12,345,678,901"),
    ],
)
def test_money_formats(amount, vi, en):
    assert (format_vnd_vi(amount), format_vnd_en(amount)) == (vi, en)


# -- errors -------------------------------------------------------------------------------------


def error_of(**kwargs):
    """The StandardsError raised by classify(**kwargs), as (class name, code, pointer)."""
    kwargs.setdefault("standard", QD59)
    kwargs.setdefault("area", "rural")
    with pytest.raises(StandardsError) as caught:
        classify(**kwargs)
    error = caught.value
    return type(error).__name__, error.code, error.pointer


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            dict(income_per_capita=0, deprivations=["HE1", "XX9"]),
            ("UnknownIndicator", "unknown_indicator", "/deprivations/1"),
        ),
        (
            dict(income_per_capita=0, deprivations=["EM1"]),
            ("UnknownIndicator", "unknown_indicator", "/deprivations/0"),
        ),
        (
            dict(standard=ND07, income_per_capita=0, deprivations=["HE1", "WS3"]),
            ("UnknownIndicator", "unknown_indicator", "/deprivations/1"),
        ),
        (
            dict(standard=ND351, income_per_capita=0, deprivations=["IN2"]),
            ("UnknownIndicator", "unknown_indicator", "/deprivations/0"),
        ),
        (
            dict(income_per_capita=0, deprivations=["HE1", "he1"]),
            ("InvalidInput", "duplicate_indicator", "/deprivations/1"),
        ),
        (
            dict(income_per_capita=0, deprivations="HE1"),
            ("InvalidInput", "invalid_deprivations", "/deprivations"),
        ),
        (
            dict(income_per_capita=0, deprivations=["HE1", 7]),
            ("InvalidInput", "invalid_indicator_code", "/deprivations/1"),
        ),
        (
            dict(income_per_capita=-1, deprivations=[]),
            ("InvalidInput", "invalid_income_per_capita", "/income_per_capita"),
        ),
        (
            dict(income_per_capita=700_000.0, deprivations=[]),
            ("InvalidInput", "invalid_income_per_capita", "/income_per_capita"),
        ),
        (
            dict(income_per_capita=True, deprivations=[]),
            ("InvalidInput", "invalid_income_per_capita", "/income_per_capita"),
        ),
        (
            dict(income_per_capita=0, b1_score=100, deprivations=[]),
            ("InvalidInput", "both_income_per_capita_and_b1_score", "/b1_score"),
        ),
        (
            dict(deprivations=[]),
            ("InvalidInput", "missing_income_per_capita_or_b1_score", "/income_per_capita"),
        ),
        (
            dict(income_per_capita=0, deprivations=[], b2_score=0),
            ("InvalidInput", "both_deprivations_and_b2_score", "/b2_score"),
        ),
        (
            dict(income_per_capita=0),
            ("InvalidInput", "missing_deprivations_or_b2_score", "/deprivations"),
        ),
        (dict(income_per_capita=0, b2_score=25), ("InvalidInput", "invalid_b2_score", "/b2_score")),
        (
            dict(income_per_capita=0, b2_score=-10),
            ("InvalidInput", "invalid_b2_score", "/b2_score"),
        ),
        (
            dict(income_per_capita=0, b2_score=110),
            ("InvalidInput", "invalid_b2_score", "/b2_score"),
        ),
        (dict(b1_score=-1, b2_score=0), ("InvalidInput", "invalid_b1_score", "/b1_score")),
        (
            dict(area="mountain", income_per_capita=0, deprivations=[]),
            ("InvalidInput", "invalid_area", "/area"),
        ),
        (
            dict(area="Rural", income_per_capita=0, deprivations=[]),
            ("InvalidInput", "invalid_area", "/area"),
        ),
    ],
)
def test_classify_errors(kwargs, expected):
    assert error_of(**kwargs) == expected


def test_b2_score_up_to_ten_points_per_indicator_of_the_standard():
    assert classify(standard=QD59, area="rural", b1_score=0, b2_score=100).deprivation_count == 10
    assert classify(standard=ND07, area="rural", b1_score=0, b2_score=120).deprivation_count == 12
    assert error_of(standard=ND07, b1_score=0, b2_score=130) == (
        "InvalidInput",
        "invalid_b2_score",
        "/b2_score",
    )


def test_indicator_from_another_standard_names_its_owners():
    with pytest.raises(UnknownIndicator) as caught:
        classify(standard=QD59, area="rural", income_per_capita=0, deprivations=["em1"])
    assert caught.value.message == (
        "Indicator 'EM1' is not part of standard QD59-2015. It belongs to ND07-2021, "
        "ND351-2025. Valid codes: HE1, HE2, ED1, ED2, HO1, HO2, WS1, WS2, IN1, IN2."
    )
    assert str(caught.value) == caught.value.message


def test_errors_are_value_errors():
    for error in (UnknownStandard, NoStandardForYear, UnknownIndicator, InvalidInput):
        assert issubclass(error, StandardsError)
    assert issubclass(StandardsError, ValueError)
    # a broken data file is the deployment's fault, never answered as a client error
    assert not issubclass(StandardDataError, StandardsError)


# -- finding standards --------------------------------------------------------------------------


def test_load_standards_in_period_order():
    assert list(load_standards()) == ["QD59-2015", "ND07-2021", "ND351-2025"]


def test_load_standards_returns_a_copy():
    load_standards().clear()
    assert len(load_standards()) == 3


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (2016, "QD59-2015"),
        (2020, "QD59-2015"),
        (2021, "QD59-2015"),
        (2022, "ND07-2021"),
        (2025, "ND07-2021"),
        (2026, "ND07-2021"),
        (2027, "ND351-2025"),
        (2030, "ND351-2025"),
    ],
)
def test_standard_for_year(year, code):
    assert standard_for_year(year).code == code


@pytest.mark.parametrize("year", [2015, 2031, 1990])
def test_no_standard_for_year(year):
    with pytest.raises(NoStandardForYear) as caught:
        standard_for_year(year)
    assert (caught.value.code, caught.value.pointer) == ("no_standard_for_year", "/year")
    assert caught.value.message == (
        f"No poverty standard covers {year}; known: QD59-2015 (2016-2021), "
        "ND07-2021 (2022-2026), ND351-2025 (2027-2030)."
    )


def test_year_must_be_an_integer():
    with pytest.raises(InvalidInput) as caught:
        standard_for_year("2020")
    assert (caught.value.code, caught.value.pointer) == ("invalid_year", "/year")


def test_get_standard_is_case_insensitive():
    assert get_standard(" nd07-2021 ") is ND07


def test_standard_code_must_be_a_string():
    with pytest.raises(UnknownStandard):
        get_standard(None)


def test_unknown_standard():
    with pytest.raises(UnknownStandard) as caught:
        get_standard("QD09-2010")
    assert (caught.value.code, caught.value.pointer) == ("unknown_standard", "/standard")
    assert caught.value.message == (
        "Unknown standard 'QD09-2010'; known: QD59-2015, ND07-2021, ND351-2025."
    )


# -- needs --------------------------------------------------------------------------------------


def test_indicator_need_categories():
    assert indicator_need_categories(ND07, ["ws2", "EM1", "ED1", "EM2"]) == {
        "EM1": "jobs",
        "EM2": "social_assistance",
        "ED1": "vocational_training",
        "WS2": "water_sanitation",
    }
    assert indicator_need_categories(QD59, []) == {}


def test_indicator_need_categories_rejects_unknown_codes():
    with pytest.raises(UnknownIndicator) as caught:
        indicator_need_categories(QD59, ["HE1", "EM2"])
    assert caught.value.pointer == "/deprivations/1"


def test_every_indicator_has_a_need_category():
    assert indicator_need_categories(QD59, QD59.indicator_codes) == {
        "HE1": "health",
        "HE2": "health",
        "ED1": "education",
        "ED2": "education",
        "HO1": "housing",
        "HO2": "housing",
        "WS1": "water_sanitation",
        "WS2": "water_sanitation",
        "IN1": "information",
        "IN2": "information",
    }
