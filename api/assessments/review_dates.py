"""When a review may be dated: inside its year's window, each step no earlier than the last.

A review's dates decide the order of the household's history (api/assessments/recognition.py),
so a date from another year would rewrite that history and let visits and supports be dated
before the household was ever reviewed.
"""

from datetime import date

from sqlmodel import Session, select

from api.errors import ValidationFailed
from api.models import Assessment, StatusChange

# (English, Vietnamese) names of the dated fields, for messages an officer reads.
FIELDS = {
    "survey_date": ("survey date", "Ngày khảo sát"),
    "posted_on": ("posting date", "Ngày niêm yết"),
    "decision_date": ("decision date", "Ngày quyết định"),
    "effective_date": ("effective date", "Ngày có hiệu lực"),
}
KINDS = {
    "periodic": ("periodic review", "rà soát định kỳ"),
    "adhoc": ("ad-hoc review", "rà soát thường xuyên"),
}


def review_window(year: int, kind: str) -> tuple[date, date]:
    """The first and last day a review of `year` may be dated.

    The periodic review runs 1 September-14 December of its year (domain.md §4) but the commune
    chair's decision may slip into the first quarter of the next year; an ad-hoc review is
    decided within 15 days of the request, so it stays inside its year.
    """
    if kind == "periodic":
        return date(year, 1, 1), date(year + 1, 3, 31)
    return date(year, 1, 1), date(year, 12, 31)


def check_in_window(year: int, kind: str, day: date, *, field: str) -> None:
    """A 422 naming the field when `day` lies outside the review's window."""
    first, last = review_window(year, kind)
    if first <= day <= last:
        return
    en, vi = FIELDS[field]
    kind_en, kind_vi = KINDS[kind]
    raise ValidationFailed(
        f"The {en} {day.isoformat()} is outside the {year} {kind_en}, which is dated from "
        f"{first.isoformat()} to {last.isoformat()}.",
        pointer=f"/{field}",
        detail_vi=(
            f"{vi} {_vi(day)} nằm ngoài đợt {kind_vi} năm {year} (từ {_vi(first)} đến {_vi(last)})."
        ),
    )


def check_not_before(day: date, earlier: date | None, *, field: str, earlier_field: str) -> None:
    """A 422 naming the field when a step is dated before the step it follows."""
    if earlier is None or day >= earlier:
        return
    en, vi = FIELDS[field]
    earlier_en, earlier_vi = FIELDS[earlier_field]
    raise ValidationFailed(
        f"The {en} {day.isoformat()} is before the {earlier_en} {earlier.isoformat()}.",
        pointer=f"/{field}",
        detail_vi=f"{vi} {_vi(day)} sớm hơn {earlier_vi.lower()} {_vi(earlier)}.",
    )


def check_survey_date(year: int, kind: str, survey_date: date | None) -> None:
    """The survey, when dated, falls in the review's window."""
    if survey_date is not None:
        check_in_window(year, kind, survey_date, field="survey_date")


def check_posted_on(assessment: Assessment, posted_on: date) -> None:
    """The posting falls in the window and not before the survey."""
    check_in_window(assessment.year, assessment.kind, posted_on, field="posted_on")
    check_not_before(
        posted_on, assessment.survey_date, field="posted_on", earlier_field="survey_date"
    )


def check_decision(
    session: Session, assessment: Assessment, decision_date: date, effective: date | None
) -> None:
    """The decision falls in the window and not before the posting or the survey; the date it
    takes effect (which may precede the decision, e.g. the 1st of the month) stays in the
    window too, and in year order among the household's other recognised reviews, since the
    history is ordered by it."""
    check_in_window(assessment.year, assessment.kind, decision_date, field="decision_date")
    check_not_before(
        decision_date, assessment.survey_date, field="decision_date", earlier_field="survey_date"
    )
    check_not_before(
        decision_date, assessment.posted_on, field="decision_date", earlier_field="posted_on"
    )
    if effective is not None:
        check_in_window(assessment.year, assessment.kind, effective, field="effective_date")
    field = "effective_date" if effective is not None else "decision_date"
    check_between_other_years(session, assessment, effective or decision_date, field=field)


def check_between_other_years(
    session: Session, assessment: Assessment, effective: date, *, field: str
) -> None:
    """A review takes effect no earlier than a recognised review of an earlier year and no
    later than one of a later year, so that the history read by date (the timeline) and by
    year (the transitions) tell the same story."""
    stmt = select(StatusChange.year, StatusChange.effective_date).where(
        StatusChange.household_id == assessment.household_id,
        StatusChange.year != assessment.year,
    )
    for year, day in session.exec(stmt.execution_options(unscoped=True)):
        if year < assessment.year and effective < day:
            _refuse_order(assessment, effective, field, (year, day), "before")
        if year > assessment.year and effective > day:
            _refuse_order(assessment, effective, field, (year, day), "after")


def _refuse_order(
    assessment: Assessment, effective: date, field: str, other: tuple[int, date], side: str
) -> None:
    year, day = other
    side_vi = "sớm hơn" if side == "before" else "muộn hơn"
    raise ValidationFailed(
        f"The {assessment.year} review would take effect on {effective.isoformat()}, {side} "
        f"the household's {year} review, recognised with effect from {day.isoformat()}; "
        "reviews take effect in the order of their years.",
        pointer=f"/{field}",
        detail_vi=(
            f"Kết quả rà soát năm {assessment.year} có hiệu lực từ {_vi(effective)}, {side_vi} "
            f"kết quả rà soát năm {year} của hộ (có hiệu lực từ {_vi(day)}); kết quả các năm "
            "phải có hiệu lực theo thứ tự năm."
        ),
    )


def _vi(day: date) -> str:
    return day.strftime("%d/%m/%Y")
