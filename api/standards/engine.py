"""Pure poverty classification under the versioned standards: no database, no web framework."""

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from api.standards.loader import (
    AREAS,
    DATA_DIR,
    AverageBand,
    Standard,
    load_directory,
    to_public,
)

CLASSIFICATIONS = ("poor", "near_poor", "average", "not_poor")
AREA_NAMES_VI = {"rural": "nông thôn", "urban": "thành thị"}


class StandardsError(ValueError):
    """A caller's request the standards cannot answer; `code` is stable, `pointer` a JSON Pointer
    to the offending input field (or None)."""

    default_code = "standards_error"

    def __init__(self, message: str, *, code: str | None = None, pointer: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.pointer = pointer


class UnknownStandard(StandardsError):
    default_code = "unknown_standard"


class NoStandardForYear(StandardsError):
    default_code = "no_standard_for_year"


class UnknownIndicator(StandardsError):
    default_code = "unknown_indicator"


class InvalidInput(StandardsError):
    default_code = "invalid_input"


@dataclass(frozen=True)
class Reason:
    code: str
    vi: str
    en: str
    verified: bool  # false when the rule rests on data marked unverified

    def to_public(self) -> dict[str, Any]:
        return to_public(self)


@dataclass(frozen=True)
class Classification:
    standard: str
    classification: str  # one of CLASSIFICATIONS
    area: str
    basis: str  # "income" or "b1_score"
    deprivation_basis: str  # "deprivations" or "b2_score"
    income_per_capita: int | None
    b1_score: int | None
    b2_score: int | None
    deprivation_count: int
    deprived_indicators: tuple[str, ...]  # sorted; empty when scored with B2
    poverty_line: int
    near_poverty_line: int | None
    average_band: AverageBand | None
    provisional: bool
    reasons: tuple[Reason, ...]

    def to_public(self) -> dict[str, Any]:
        """The result as plain JSON data for POST /api/v1/classify."""
        return to_public(self)


# -- the catalogue -----------------------------------------------------------------------------


@functools.cache
def _catalogue() -> Mapping[str, Standard]:
    return MappingProxyType(load_directory(DATA_DIR))


def load_standards() -> dict[str, Standard]:
    """Every standard in the data folder by code, oldest period first (files are read once)."""
    return dict(_catalogue())


def get_standard(code: str) -> Standard:
    """The standard with this code (case-insensitive), or UnknownStandard."""
    standards = _catalogue()
    key = code.strip().upper() if isinstance(code, str) else ""
    if key not in standards:
        known = ", ".join(standards)
        raise UnknownStandard(f"Unknown standard {code!r}; known: {known}.", pointer="/standard")
    return standards[key]


def standard_for_year(year: int) -> Standard:
    """The standard governing reviews of `year`, or NoStandardForYear."""
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidInput("year must be an integer.", code="invalid_year", pointer="/year")
    standards = _catalogue().values()
    for standard in standards:
        if standard.covers(year):
            return standard
    known = ", ".join(f"{s.code} ({s.years[0]}-{s.years[1]})" for s in standards)
    raise NoStandardForYear(f"No poverty standard covers {year}; known: {known}.", pointer="/year")


def indicator_need_categories(standard: Standard, codes: Iterable[str]) -> dict[str, str]:
    """The support category for each deprived indicator code, in the standard's order."""
    wanted = set(_indicator_codes(standard, codes))
    return {i.code: i.need_category for i in standard.indicators if i.code in wanted}


# -- input checks ------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _exactly_one(first: str, first_value: object, second: str, second_value: object) -> str:
    """Which of two mutually exclusive inputs was given."""
    if first_value is None and second_value is None:
        message = f"Give either {first} or {second}."
        raise InvalidInput(message, code=f"missing_{first}_or_{second}", pointer=f"/{first}")
    if first_value is not None and second_value is not None:
        message = f"Give either {first} or {second}, not both."
        raise InvalidInput(message, code=f"both_{first}_and_{second}", pointer=f"/{second}")
    return first if first_value is not None else second


def _check_whole(name: str, value: object, *, maximum: int | None = None, step: int = 1) -> int:
    """A non-negative integer input, optionally capped and a multiple of `step`."""
    ok = _is_int(value) and value >= 0 and (maximum is None or value <= maximum)
    if not ok or value % step:
        limits = "" if maximum is None else f" up to {maximum}"
        multiple = "" if step == 1 else f", a multiple of {step}"
        message = f"{name} must be a whole number from 0{limits}{multiple}; got {value!r}."
        raise InvalidInput(message, code=f"invalid_{name}", pointer=f"/{name}")
    return value


def _unknown_indicator(standard: Standard, code: str, pointer: str) -> UnknownIndicator:
    owners = [s.code for s in _catalogue().values() if code in s.indicator_codes]
    elsewhere = f" It belongs to {', '.join(owners)}." if owners else ""
    valid = ", ".join(standard.indicator_codes)
    message = f"Indicator {code!r} is not part of standard {standard.code}.{elsewhere} "
    return UnknownIndicator(message + f"Valid codes: {valid}.", pointer=pointer)


def _indicator_codes(standard: Standard, codes: Iterable[str]) -> tuple[str, ...]:
    """Deprived indicator codes, matched case-insensitively, checked, de-duplicated by refusal."""
    if isinstance(codes, str | bytes):  # a bare string would be read letter by letter
        message = "deprivations must be a list of indicator codes, not a single string."
        raise InvalidInput(message, code="invalid_deprivations", pointer="/deprivations")
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(codes):
        pointer = f"/deprivations/{index}"
        if not isinstance(raw, str):
            message = f"Indicator codes are strings; got {raw!r}."
            raise InvalidInput(message, code="invalid_indicator_code", pointer=pointer)
        code = raw.strip().upper()
        if code not in standard.indicator_codes:
            raise _unknown_indicator(standard, code, pointer)
        if code in first_seen:
            message = f"Indicator {code} is listed twice (items {first_seen[code]} and {index})."
            raise InvalidInput(message, code="duplicate_indicator", pointer=pointer)
        first_seen[code] = index
    return tuple(sorted(first_seen))


# -- reasons -----------------------------------------------------------------------------------


def format_vnd_vi(amount: int) -> str:
    """1500000 -> '1.500.000 ₫'."""
    return f"{amount:,}".replace(",", ".") + " ₫"


def format_vnd_en(amount: int) -> str:
    """1500000 -> 'VND 1,500,000'."""
    return f"VND {amount:,}"


# Reason code -> (vi, en). {v} is the household's income or score, {a} and {b} the limits it
# was compared with, {w} the area and legal source, {d} the deprivation phrase, {t} the threshold.
_TEXT = {
    "income_at_or_below_poverty_line": (
        "Thu nhập bình quân {v}/người/tháng không vượt chuẩn nghèo {a} ({w}).",
        "Income of {v} per person per month is at or below the poverty line of {a} ({w}).",
    ),
    "income_between_poverty_and_near_poverty_lines": (
        "Thu nhập bình quân {v}/người/tháng cao hơn chuẩn nghèo {a} và không vượt chuẩn cận "
        "nghèo {b} ({w}).",
        "Income of {v} per person per month is above the poverty line of {a} and at or below "
        "the near-poverty line of {b} ({w}).",
    ),
    "income_above_near_poverty_line": (
        "Thu nhập bình quân {v}/người/tháng cao hơn chuẩn cận nghèo {a} ({w}).",
        "Income of {v} per person per month is above the near-poverty line of {a} ({w}).",
    ),
    "income_above_poverty_line": (
        "Thu nhập bình quân {v}/người/tháng cao hơn chuẩn nghèo {a} ({w}).",
        "Income of {v} per person per month is above the poverty line of {a} ({w}).",
    ),
    "income_within_average_band": (
        "Thu nhập bình quân {v}/người/tháng nằm trong khoảng mức sống trung bình, trên {a} "
        "đến {b} ({w}).",
        "Income of {v} per person per month is within the average-living-standard band, "
        "above {a} up to {b} ({w}).",
    ),
    "income_above_average_band": (
        "Thu nhập bình quân {v}/người/tháng cao hơn mức trên {b} của khoảng mức sống trung "
        "bình ({w}).",
        "Income of {v} per person per month is above the top of the average-living-standard "
        "band, {b} ({w}).",
    ),
    "b1_at_or_below_poverty_cutoff": (
        "Điểm B1 là {v}, không vượt ngưỡng nghèo {a} điểm ({w}).",
        "B1 score {v} is at or below the poverty cut-off of {a} points ({w}).",
    ),
    "b1_between_poverty_and_near_poverty_cutoffs": (
        "Điểm B1 là {v}, cao hơn ngưỡng nghèo {a} điểm và không vượt ngưỡng cận nghèo {b} "
        "điểm ({w}).",
        "B1 score {v} is above the poverty cut-off of {a} points and at or below the "
        "near-poverty cut-off of {b} points ({w}).",
    ),
    "b1_above_near_poverty_cutoff": (
        "Điểm B1 là {v}, cao hơn ngưỡng cận nghèo {a} điểm ({w}).",
        "B1 score {v} is above the near-poverty cut-off of {a} points ({w}).",
    ),
    "b1_above_poverty_cutoff": (
        "Điểm B1 là {v}, cao hơn ngưỡng nghèo {a} điểm ({w}).",
        "B1 score {v} is above the poverty cut-off of {a} points ({w}).",
    ),
    "deprivations_at_or_above_threshold": (
        "Hộ {d}, đạt ngưỡng từ {t} chỉ số trở lên.",
        "The household {d}, meeting the threshold of {t} or more.",
    ),
    "deprivations_below_threshold": (
        "Hộ {d}, dưới ngưỡng {t} chỉ số.",
        "The household {d}, below the threshold of {t}.",
    ),
    "b2_score_at_or_above_threshold": (
        "Điểm B2 là {v} ({d}), đạt ngưỡng từ {t} điểm trở lên.",
        "B2 score {v} ({d}) meets the threshold of {t} points or more.",
    ),
    "b2_score_below_threshold": (
        "Điểm B2 là {v} ({d}), dưới ngưỡng {t} điểm.",
        "B2 score {v} ({d}) is below the threshold of {t} points.",
    ),
}
REASON_CODES = tuple(_TEXT)

# Reason codes for each step of the income (or B1) comparison, by basis.
_STEPS = {
    "income": (
        "income_at_or_below_poverty_line",
        "income_between_poverty_and_near_poverty_lines",
        "income_above_near_poverty_line",
        "income_above_poverty_line",
    ),
    "b1_score": (
        "b1_at_or_below_poverty_cutoff",
        "b1_between_poverty_and_near_poverty_cutoffs",
        "b1_above_near_poverty_cutoff",
        "b1_above_poverty_cutoff",
    ),
}


def _reason(code: str, verified: bool, vi: dict[str, object], en: dict[str, object]) -> Reason:
    vi_text, en_text = _TEXT[code]
    return Reason(code, vi_text.format(**vi), en_text.format(**en), verified)


@dataclass(frozen=True)
class _Measure:
    """Income or a B1 score, and the limits of the area it is compared with."""

    basis: str  # "income" or "b1_score"
    value: int
    poverty_max: int
    near_max: int | None
    verified: bool
    where_vi: str  # area and legal source, e.g. "khu vực nông thôn, QĐ 59/2015/QĐ-TTg"
    where_en: str

    def reason(self, code: str, *limits: int, verified: bool | None = None) -> Reason:
        """A reason comparing the value with `limits`, money formatted per language."""
        vi_fmt, en_fmt = (format_vnd_vi, format_vnd_en) if self.basis == "income" else (str, str)
        vi = {"v": vi_fmt(self.value), "w": self.where_vi}
        en = {"v": en_fmt(self.value), "w": self.where_en}
        vi |= dict(zip("ab", map(vi_fmt, limits), strict=False))
        en |= dict(zip("ab", map(en_fmt, limits), strict=False))
        return _reason(code, self.verified if verified is None else verified, vi, en)


def _deprivation_phrases(count: int, codes: tuple[str, ...], scored: bool) -> tuple[str, str]:
    """'thiếu hụt 2 chỉ số (HE1, HO2)' / 'is deprived in 2 indicators (HE1, HO2)' and kin."""
    noun = "indicator" if count == 1 else "indicators"
    if scored:
        return f"tương ứng {count} chỉ số thiếu hụt", f"{count} deprived {noun}"
    if count == 0:
        return "không thiếu hụt chỉ số nào", "is not deprived in any indicator"
    listed = f" ({', '.join(codes)})" if codes else ""
    return f"thiếu hụt {count} chỉ số{listed}", f"is deprived in {count} {noun}{listed}"


def _deprivation_reason(
    standard: Standard, count: int, codes: tuple[str, ...], b2_score: int | None
) -> Reason:
    """Why the deprivation count (listed, or from the B2 score) split poor from near-poor."""
    threshold = standard.rule.deprivation_threshold
    vi_d, en_d = _deprivation_phrases(count, codes, b2_score is not None)
    met = count >= threshold
    if b2_score is None:
        code = "deprivations_at_or_above_threshold" if met else "deprivations_below_threshold"
        verified = standard.rule.provenance.verified
        vi, en = {"d": vi_d, "t": threshold}, {"d": en_d, "t": threshold}
    else:
        code = "b2_score_at_or_above_threshold" if met else "b2_score_below_threshold"
        verified = standard.rule.provenance.verified and standard.scores.provenance.verified
        points = threshold * standard.scores.b2_points_per_indicator
        vi = {"v": b2_score, "d": vi_d, "t": points}
        en = {"v": b2_score, "d": en_d, "t": points}
    return _reason(code, verified, vi, en)


# -- classification ----------------------------------------------------------------------------


def _measure(standard: Standard, area: str, income: object, b1_score: object) -> _Measure:
    """Check income / B1 (exactly one) and pair it with the area's line or cut-offs."""
    given = _exactly_one("income_per_capita", income, "b1_score", b1_score)
    where_vi = f"khu vực {AREA_NAMES_VI[area]}, {standard.citation_vi}"
    where_en = f"{area} area, {standard.citation_en}"
    if given == "income_per_capita":
        value = _check_whole("income_per_capita", income)
        lines = standard.lines[area]
        limits = (lines.poverty_line, lines.near_poverty_line, lines.provenance.verified)
        return _Measure("income", value, *limits, where_vi, where_en)
    cutoffs = standard.scores.b1_cutoffs.get(area)
    if cutoffs is None:
        message = f"Standard {standard.code} has no B1 cut-offs; give income_per_capita instead."
        raise InvalidInput(message, code="b1_cutoffs_unavailable", pointer="/b1_score")
    value = _check_whole("b1_score", b1_score)
    limits = (cutoffs.b1_poverty_max, cutoffs.b1_near_poverty_max, cutoffs.provenance.verified)
    return _Measure("b1_score", value, *limits, where_vi, where_en)


def _deprivations(
    standard: Standard, deprivations: Iterable[str] | None, b2_score: object
) -> tuple[int, tuple[str, ...]]:
    """Check deprivations / B2 (exactly one); the deprived count and the listed codes."""
    given = _exactly_one("deprivations", deprivations, "b2_score", b2_score)
    if given == "deprivations":
        codes = _indicator_codes(standard, deprivations)
        return len(codes), codes
    points = standard.scores.b2_points_per_indicator
    top = points * len(standard.indicators)
    return _check_whole("b2_score", b2_score, maximum=top, step=points) // points, ()


def _decide(
    standard: Standard, area: str, measure: _Measure, deprivation: Reason, count: int
) -> tuple[str, list[Reason]]:
    """Apply the standard's rule; the status and the reasons that decided it."""
    at_or_below, between, above_near, above_poverty = _STEPS[measure.basis]
    by_deprivation = "poor" if count >= standard.rule.deprivation_threshold else "near_poor"
    if measure.value <= measure.poverty_max:
        reason = measure.reason(at_or_below, measure.poverty_max)
        if standard.rule.kind == "two_lines":  # at or below the lower line: poor outright
            return "poor", [reason]
        return by_deprivation, [reason, deprivation]
    if measure.near_max is not None and measure.value <= measure.near_max:
        reason = measure.reason(between, measure.poverty_max, measure.near_max)
        return by_deprivation, [reason, deprivation]
    if measure.near_max is None:
        reasons = [measure.reason(above_poverty, measure.poverty_max)]
    else:
        reasons = [measure.reason(above_near, measure.near_max)]
    band = (standard.average_band or {}).get(area)
    if band is None or measure.basis != "income":  # B1 has no cut-off for the band
        return "not_poor", reasons
    inside = band.contains(measure.value)
    code = "income_within_average_band" if inside else "income_above_average_band"
    reasons.append(measure.reason(code, band.above, band.up_to, verified=band.provenance.verified))
    return ("average" if inside else "not_poor"), reasons


def classify(
    *,
    standard: Standard,
    area: str,
    income_per_capita: int | None = None,
    deprivations: Iterable[str] | None = None,
    b1_score: int | None = None,
    b2_score: int | None = None,
) -> Classification:
    """Classify a household from income or a B1 score, and deprivations or a B2 score."""
    if area not in AREAS:
        message = f"area must be one of {', '.join(AREAS)}; got {area!r}."
        raise InvalidInput(message, code="invalid_area", pointer="/area")
    measure = _measure(standard, area, income_per_capita, b1_score)
    count, codes = _deprivations(standard, deprivations, b2_score)
    deprivation = _deprivation_reason(standard, count, codes, b2_score)
    status, reasons = _decide(standard, area, measure, deprivation, count)
    lines = standard.lines[area]
    return Classification(
        standard=standard.code,
        classification=status,
        area=area,
        basis=measure.basis,
        deprivation_basis="deprivations" if b2_score is None else "b2_score",
        income_per_capita=income_per_capita,
        b1_score=b1_score,
        b2_score=b2_score,
        deprivation_count=count,
        deprived_indicators=codes,
        poverty_line=lines.poverty_line,
        near_poverty_line=lines.near_poverty_line,
        average_band=(standard.average_band or {}).get(area),
        provisional=standard.provisional,
        reasons=tuple(reasons),
    )
