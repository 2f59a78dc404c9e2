"""The early warning as a pure function: exact points, and reasons an officer can read."""

import tomllib
from dataclasses import replace
from datetime import date

import pytest

from api.risk.scoring import RiskFacts, assess, is_watched
from api.risk.weights import WEIGHTS_FILE, WeightsDataError, load_weights, parse_weights

AS_OF = date(2019, 6, 15)
QUIET = RiskFacts(
    as_of=AS_OF,
    status="near_poor",
    escape=None,
    escaped_on=None,
    standard="QD59-2015",
    income_per_capita=None,
    poverty_line=None,
    deprivations=(),
    deprivation_count=0,
    shocks=(),
    members=(),
    due_on=None,
    open_needs=(),
)


def reasons(facts: RiskFacts) -> dict[str, int]:
    risk = assess(facts)
    assert risk is not None
    return {reason.code: reason.points for reason in risk.reasons}


class TestWatched:
    @pytest.mark.parametrize(
        ("status", "escape", "watched"),
        [
            ("near_poor", None, True),
            ("not_poor", "escaped_poverty", True),
            ("average", "escaped_near_poverty", True),
            ("near_poor", "escaped_poverty", True),
            ("poor", None, False),
            ("not_poor", None, False),
            ("unclassified", None, False),
        ],
    )
    def test_who_is_watched(self, status, escape, watched):
        assert is_watched(status, escape) is watched

    def test_a_poor_household_has_no_score(self):
        assert assess(replace(QUIET, status="poor")) is None

    def test_a_quiet_near_poor_household_scores_zero(self):
        risk = assess(QUIET)
        assert (risk.score, risk.reasons) == (0, ())


class TestFactors:
    @pytest.mark.parametrize(
        ("escaped_on", "points"),
        [
            (date(2019, 6, 1), 20),  # under a month: full points
            (date(2019, 1, 15), 17),  # 5 months: 20 × 31/36 = 17.2
            (date(2017, 6, 15), 7),  # 24 months: 20 × 12/36 = 6.7
            (date(2016, 6, 15), None),  # 36 months: nothing left
        ],
    )
    def test_time_since_escape(self, escaped_on, points):
        facts = replace(QUIET, status="not_poor", escape="escaped_poverty", escaped_on=escaped_on)
        assert reasons(facts).get("time_since_escape") == points

    @pytest.mark.parametrize(
        ("income", "points"),
        [
            (650_000, 25),  # below the line (near-poor under a single-line standard)
            (700_000, 25),  # on the line
            (770_000, 17),  # 10 % above: 25 × 20/30 = 16.7
            (900_000, 2),  # 28 % above: 25 × 2/30 = 1.7
            (910_000, None),  # 30 % above: nothing
        ],
    )
    def test_income_margin(self, income, points):
        facts = replace(QUIET, income_per_capita=income, poverty_line=700_000)
        assert reasons(facts).get("income_margin") == points

    def test_deprivations_capped_at_three(self):
        one = replace(QUIET, deprivations=("HE2",), deprivation_count=1)
        assert reasons(one)["deprivations"] == 5
        four = ("HE1", "HE2", "WS1", "WS2")
        assert reasons(replace(QUIET, deprivations=four, deprivation_count=4))["deprivations"] == 15

    def test_deprivations_scored_with_b2_have_no_codes(self):
        risk = assess(replace(QUIET, deprivation_count=2))
        assert [(r.points, r.en) for r in risk.reasons] == [
            (10, "The household still lacks 2 basic social services at its latest review.")
        ]

    def test_shocks_within_the_lookback_each_kind_once_capped(self):
        facts = replace(
            QUIET,
            shocks=(
                ("illness", date(2019, 6, 1)),
                ("illness", date(2019, 5, 1)),
                ("job_loss", date(2019, 1, 1)),
                ("fire", date(2018, 11, 1)),  # 226 days before: too old
            ),
        )
        assert reasons(facts) == {"shock:illness": 15, "shock:job_loss": 12}
        worst = replace(
            QUIET,
            shocks=(
                ("death_of_worker", date(2019, 6, 1)),
                ("fire", date(2019, 6, 1)),
                ("illness", date(2019, 6, 1)),
            ),
        )
        assert reasons(worst) == {"shock:death_of_worker": 25, "shock:fire": 10}

    def test_dependants_over_half(self):
        family = ((1980, True), (2010, None), (2012, None), (1950, None))
        assert reasons(replace(QUIET, members=family))["dependants"] == 10
        half = ((1980, True), (1985, True), (2010, None), (2012, None))
        assert "dependants" not in reasons(replace(QUIET, members=half))
        unable = ((1980, False), (1985, False), (1990, True))
        assert reasons(replace(QUIET, members=unable))["dependants"] == 10

    @pytest.mark.parametrize(
        ("due_on", "points"),
        [
            (date(2019, 6, 15), None),
            (date(2019, 6, 14), 5),
            (date(2019, 5, 15), 10),
            (date(2018, 1, 1), 15),
        ],
    )
    def test_overdue_visit(self, due_on, points):
        assert reasons(replace(QUIET, due_on=due_on)).get("overdue_visit") == points

    def test_open_needs(self):
        needs = ("health", "housing", "credit", "jobs", "land")
        assert reasons(replace(QUIET, open_needs=needs[:2]))["open_needs"] == 8
        assert reasons(replace(QUIET, open_needs=needs))["open_needs"] == 16

    def test_the_score_is_capped_at_100_and_reasons_come_most_points_first(self):
        facts = replace(
            QUIET,
            status="not_poor",
            escape="escaped_poverty",
            escaped_on=date(2019, 6, 1),
            income_per_capita=700_000,
            poverty_line=700_000,
            deprivations=("HE1", "HE2", "WS1"),
            deprivation_count=3,
            shocks=(("death_of_worker", date(2019, 6, 10)),),
            due_on=date(2018, 1, 1),
        )
        risk = assess(facts)
        assert risk.score == 100
        assert [(r.code, r.points) for r in risk.reasons] == [
            ("income_margin", 25),
            ("shock:death_of_worker", 25),
            ("time_since_escape", 20),
            ("deprivations", 15),
            ("overdue_visit", 15),
        ]


class TestSentences:
    def test_each_reason_is_one_plain_sentence_in_both_languages(self):
        facts = replace(
            QUIET,
            status="not_poor",
            escape="escaped_poverty",
            escaped_on=date(2019, 1, 15),
            income_per_capita=770_000,
            poverty_line=700_000,
            deprivations=("HE2", "WS2"),
            deprivation_count=2,
            shocks=(("illness", date(2019, 6, 3)),),
            members=((1980, True), (2010, None), (2012, None)),
            due_on=date(2019, 5, 1),
            open_needs=("health", "water_sanitation"),
        )
        texts = {r.code: (r.vi, r.en) for r in assess(facts).reasons}
        assert texts == {
            "time_since_escape": (
                "Hộ mới thoát nghèo được 5 tháng, từ ngày 15/01/2019.",
                "The household escaped poverty only 5 months ago, on 15 Jan 2019.",
            ),
            "income_margin": (
                "Thu nhập bình quân 770.000 ₫/người/tháng chỉ cao hơn 10% so với chuẩn nghèo "
                "700.000 ₫ (QĐ 59/2015/QĐ-TTg).",
                "Income of VND 770,000 per person per month is only 10% above the poverty "
                "line of VND 700,000 (Decision 59/2015/QĐ-TTg).",
            ),
            "deprivations": (
                "Hộ còn thiếu hụt 2 chỉ số dịch vụ xã hội cơ bản (HE2, WS2).",
                "The household still lacks 2 basic social services (HE2, WS2) at its latest "
                "review.",
            ),
            "shock:illness": (
                "Lần thăm hộ ngày 03/06/2019 ghi nhận hộ gặp rủi ro: ốm đau, bệnh tật.",
                "The visit on 3 Jun 2019 reported a shock: illness.",
            ),
            "dependants": (
                "2/3 thành viên (67%) là người phụ thuộc: trẻ em dưới 15 tuổi, người từ 60 "
                "tuổi trở lên hoặc không có khả năng lao động.",
                "2 of 3 members (67%) are dependants: children under 15, people aged 60 or "
                "more, or people unable to work.",
            ),
            "overdue_visit": (
                "Đã quá hạn thăm hộ 45 ngày (hạn ngày 01/05/2019).",
                "The follow-up visit is 45 days overdue (it was due on 1 May 2019).",
            ),
            "open_needs": (
                "Hộ còn 2 nhu cầu chưa được đáp ứng: y tế, nước sạch và vệ sinh.",
                "The household has 2 open needs: health, clean water and sanitation.",
            ),
        }
        for vi, en in texts.values():
            assert vi.count(". ") == 0 and vi.endswith(".")
            assert en.count(". ") == 0 and en.endswith(".")


class TestWeightsFile:
    def test_the_shipped_weights(self):
        weights = load_weights()
        assert (weights.max_score, weights.escape_max, weights.margin_max) == (100, 20, 25)
        assert dict(weights.shock_points) == {
            "illness": 15,
            "death_of_worker": 25,
            "disaster": 20,
            "fire": 20,
            "crop_livestock_loss": 12,
            "job_loss": 12,
        }

    def test_an_unknown_or_missing_key_is_refused(self):
        data = tomllib.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        with pytest.raises(WeightsDataError):
            parse_weights({**data, "open_needs": {"points_per_need": 4}})
        with pytest.raises(WeightsDataError):
            parse_weights({**data, "shocks": {**data["shocks"], "flood": 5}})
        with pytest.raises(WeightsDataError):
            parse_weights({**data, "dependants": {**data["dependants"], "above_share": 2}})
