"""The re-poverty early warning as a pure function: a household's facts in, a score out.

Every point comes with its reason, one plain sentence in Vietnamese and in English, so that
an officer can see why a household sits high on the list.
"""

import math
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from api.core.months import whole_months_between
from api.models.categories import SUPPORT_CATEGORIES
from api.models.visits import SHOCKS
from api.risk.weights import Weights, load_weights
from api.standards.engine import UnknownStandard, get_standard

ESCAPES = ("escaped_poverty", "escaped_near_poverty")
_SHOCK_NAMES = {code: (vi, en) for code, vi, en in SHOCKS}
_CATEGORY_NAMES = {
    code: (vi[0].lower() + vi[1:], en.lower()) for code, vi, en in SUPPORT_CATEGORIES
}


@dataclass(frozen=True)
class RiskFacts:
    as_of: date
    status: str
    escape: str | None  # the latest status change's transition, when it is an escape
    escaped_on: date | None
    standard: str | None  # of the latest recognised review
    income_per_capita: int | None
    poverty_line: int | None
    deprivations: tuple[str, ...]  # codes; empty when the review was scored with B2
    deprivation_count: int
    shocks: tuple[tuple[str, date], ...]  # (shock code, date of a visit that reported it)
    members: tuple[tuple[int, bool | None], ...]  # (birth year, can work) of current members
    due_on: date | None  # the follow-up schedule's next due date
    open_needs: tuple[str, ...]  # categories of the open needs


@dataclass(frozen=True)
class RiskReason:
    code: str
    points: int
    vi: str
    en: str

    def to_public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Risk:
    score: int
    reasons: tuple[RiskReason, ...]


def is_watched(status: str, escape: str | None) -> bool:
    """Near-poor households and those that escaped (and are not poor again) are watched."""
    return status == "near_poor" or (escape in ESCAPES and status != "poor")


def vnd_vi(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def vnd_en(amount: int) -> str:
    return f"VND {amount:,}"


def count_vi(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def day_vi(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def day_en(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _escape(facts: RiskFacts, w: Weights) -> RiskReason | None:
    if facts.escape not in ESCAPES or facts.escaped_on is None:
        return None
    months = whole_months_between(facts.escaped_on, facts.as_of)
    points = round(w.escape_max * max(0, w.escape_window_months - months) / w.escape_window_months)
    if points <= 0:
        return None
    what_vi, what_en = (
        ("thoát nghèo", "escaped poverty")
        if facts.escape == "escaped_poverty"
        else ("thoát cận nghèo", "escaped near-poverty")
    )
    when_vi, when_en = day_vi(facts.escaped_on), day_en(facts.escaped_on)
    if months == 0:
        vi = f"Hộ vừa {what_vi} chưa đầy một tháng, từ ngày {when_vi}."
        en = f"The household {what_en} less than a month ago, on {when_en}."
    else:
        vi = f"Hộ mới {what_vi} được {months} tháng, từ ngày {when_vi}."
        en = f"The household {what_en} only {_plural(months, 'month')} ago, on {when_en}."
    return RiskReason("time_since_escape", points, vi, en)


def _margin(facts: RiskFacts, w: Weights) -> RiskReason | None:
    income, line = facts.income_per_capita, facts.poverty_line
    if income is None or not line:
        return None
    pct = math.floor((income - line) * 100 / line)
    if pct >= w.margin_zero_at_pct:
        return None
    points = round(
        w.margin_max * min(1, (w.margin_zero_at_pct - max(pct, 0)) / w.margin_zero_at_pct)
    )
    std_vi, std_en = _citations(facts.standard)
    earned_vi, line_vi = f"{vnd_vi(income)}/người/tháng", f"chuẩn nghèo {vnd_vi(line)}{std_vi}"
    earned_en, line_en = f"{vnd_en(income)} per person per month", f"{vnd_en(line)}{std_en}"
    if income <= line:
        vi = f"Thu nhập bình quân {earned_vi} không vượt {line_vi}."
        en = f"Income of {earned_en} is not above the poverty line of {line_en}."
    else:
        vi = f"Thu nhập bình quân {earned_vi} chỉ cao hơn {pct}% so với {line_vi}."
        en = f"Income of {earned_en} is only {pct}% above the poverty line of {line_en}."
    return RiskReason("income_margin", points, vi, en)


def _citations(code: str | None) -> tuple[str, str]:
    """How a reason names the standard: its legal citation (" (QĐ 59/2015/QĐ-TTg)"), as
    the classification reasons do, not the data file's code."""
    if not code:
        return "", ""
    try:
        standard = get_standard(code)
    except UnknownStandard:
        return f" ({code})", f" ({code})"
    return f" ({standard.citation_vi})", f" ({standard.citation_en})"


def _deprivations(facts: RiskFacts, w: Weights) -> RiskReason | None:
    count = facts.deprivation_count
    points = min(w.deprivation_max, w.deprivation_points * count)
    if points <= 0:
        return None
    codes = f" ({', '.join(facts.deprivations)})" if facts.deprivations else ""
    vi = f"Hộ còn thiếu hụt {count} chỉ số dịch vụ xã hội cơ bản{codes}."
    services = _plural(count, "basic social service")
    en = f"The household still lacks {services}{codes} at its latest review."
    return RiskReason("deprivations", points, vi, en)


def _shocks(facts: RiskFacts, w: Weights) -> list[RiskReason]:
    since = facts.as_of - timedelta(days=w.shock_lookback_days)
    latest: dict[str, date] = {}
    for code, day in facts.shocks:
        if since <= day <= facts.as_of and code in _SHOCK_NAMES:
            latest[code] = max(day, latest.get(code, day))
    reasons, budget = [], w.shock_max
    ranked = sorted(latest.items(), key=lambda item: (-w.shock_points[item[0]], item[0]))
    for code, day in ranked:
        points = min(budget, w.shock_points[code])
        if points <= 0:
            break
        budget -= points
        name_vi, name_en = _SHOCK_NAMES[code]
        vi = f"Lần thăm hộ ngày {day_vi(day)} ghi nhận hộ gặp rủi ro: {name_vi}."
        en = f"The visit on {day_en(day)} reported a shock: {name_en}."
        reasons.append(RiskReason(f"shock:{code}", points, vi, en))
    return reasons


def _dependants(facts: RiskFacts, w: Weights) -> RiskReason | None:
    members = len(facts.members)
    if not members:
        return None
    year = facts.as_of.year
    count = sum(
        1
        for birth_year, can_work in facts.members
        if year - birth_year < w.child_under_age
        or year - birth_year >= w.elderly_from_age
        or can_work is False
    )
    if count / members <= w.dependants_above_share or w.dependants_max <= 0:
        return None
    pct = round(100 * count / members)
    child, old = w.child_under_age, w.elderly_from_age
    vi = (
        f"{count}/{members} thành viên ({pct}%) là người phụ thuộc: trẻ em dưới {child} tuổi, "
        f"người từ {old} tuổi trở lên hoặc không có khả năng lao động."
    )
    en = (
        f"{count} of {members} members ({pct}%) are dependants: children under {child}, "
        f"people aged {old} or more, or people unable to work."
    )
    return RiskReason("dependants", w.dependants_max, vi, en)


def _overdue(facts: RiskFacts, w: Weights) -> RiskReason | None:
    if facts.due_on is None or facts.due_on >= facts.as_of:
        return None
    days = (facts.as_of - facts.due_on).days
    points = min(w.overdue_max, w.overdue_points_per_month * math.ceil(days / 30))
    if points <= 0:
        return None
    vi = f"Đã quá hạn thăm hộ {count_vi(days)} ngày (hạn ngày {day_vi(facts.due_on)})."
    late = _plural(days, "day")
    en = f"The follow-up visit is {late} overdue (it was due on {day_en(facts.due_on)})."
    return RiskReason("overdue_visit", points, vi, en)


def _needs(facts: RiskFacts, w: Weights) -> RiskReason | None:
    count = len(facts.open_needs)
    points = min(w.need_max, w.need_points * count)
    if points <= 0:
        return None
    names = [_CATEGORY_NAMES.get(c, (c, c)) for c in sorted(set(facts.open_needs))]
    vi = f"Hộ còn {count} nhu cầu chưa được đáp ứng: {', '.join(vi for vi, _ in names)}."
    en = f"The household has {_plural(count, 'open need')}: {', '.join(en for _, en in names)}."
    return RiskReason("open_needs", points, vi, en)


def assess(facts: RiskFacts, weights: Weights | None = None) -> Risk | None:
    """The score (0-100) and its reasons, most points first; None for a household not watched."""
    if not is_watched(facts.status, facts.escape):
        return None
    w = weights or load_weights()
    found = [
        _escape(facts, w),
        _margin(facts, w),
        _deprivations(facts, w),
        *_shocks(facts, w),
        _dependants(facts, w),
        _overdue(facts, w),
        _needs(facts, w),
    ]
    reasons = [reason for reason in found if reason is not None]
    reasons.sort(key=lambda reason: -reason.points)  # stable: ties keep the factor order
    score = min(w.max_score, sum(reason.points for reason in reasons))
    return Risk(score=score, reasons=tuple(reasons))
