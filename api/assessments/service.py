"""Assessments: survey answers in, classification out, and the life cycle of a review."""

from datetime import date

from sqlmodel import Session, select

from api.assessments import recognition, review_dates
from api.assessments.schemas import AssessmentCreate, StepRequest, SurveyAnswers
from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.errors import Conflict, NotFound, ValidationFailed
from api.models import Assessment, AssessmentStep, Household, Member, Place
from api.models.base import utcnow
from api.places.service import effective_area
from api.standards import classify, get_standard, standard_for_year

# step -> (states it may start from, state it leads to); "meeting" decides by the vote.
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "surveyed": (frozenset({"draft"}), "surveyed"),
    "meeting": (frozenset({"surveyed"}), "agreed"),
    "posted": (frozenset({"agreed"}), "posted"),
    "recognised": (frozenset({"posted"}), "recognised"),
    "rejected": (frozenset({"draft", "surveyed", "agreed", "posted"}), "rejected"),
}
MEETING_MAJORITY = 0.5  # at least half of the attendees must agree (domain.md §4)


def get_assessment_or_raise(
    session: Session, household: Household, assessment_id: str, *, for_update: bool = False
) -> Assessment:
    stmt = select(Assessment).where(
        Assessment.id == assessment_id, Assessment.household_id == household.id
    )
    if for_update:
        stmt = stmt.with_for_update()
    assessment = session.exec(stmt).first()
    if assessment is None:
        raise NotFound(f"No assessment {assessment_id!r} for this household.")
    return assessment


def steps_of(session: Session, assessment_id: str) -> list[AssessmentStep]:
    stmt = select(AssessmentStep).where(AssessmentStep.assessment_id == assessment_id)
    return list(session.exec(stmt.order_by(AssessmentStep.occurred_at, AssessmentStep.id)))


def _standard_for(year: int, code: str | None):
    if year > today_in_vietnam().year:
        raise ValidationFailed("The review year is in the future.", pointer="/year")
    standard = get_standard(code) if code else standard_for_year(year)
    if not standard.covers(year):
        raise ValidationFailed(
            f"{standard.code} applies to {standard.years[0]}-{standard.years[1]}, not {year}.",
            pointer="/standard",
        )
    return standard


def _labour(session: Session, household: Household, given: int | None) -> tuple[int, int]:
    """Members now in the household, and how many can work (the survey's figure if given)."""
    members = session.exec(
        select(Member).where(Member.household_id == household.id, Member.left_on.is_(None))
    ).all()
    able = given if given is not None else sum(1 for m in members if m.can_work)
    return len(members), able


def _apply_answers(
    session: Session, assessment: Assessment, household: Household, answers: SurveyAnswers
) -> None:
    """Store the answers and the classification the standard gives for them."""
    standard = get_standard(assessment.standard_code)
    result = classify(
        standard=standard,
        area=assessment.area,
        income_per_capita=answers.income_per_capita,
        deprivations=answers.deprivations,
        b1_score=answers.b1_score,
        b2_score=answers.b2_score,
    )
    members, able = _labour(session, household, answers.able_to_work_count)
    assessment.income_per_capita = answers.income_per_capita
    assessment.b1_score = answers.b1_score
    assessment.b2_score = answers.b2_score
    assessment.deprivations = list(result.deprived_indicators)
    assessment.deprivation_count = result.deprivation_count
    assessment.classification = result.classification
    assessment.poverty_line = result.poverty_line
    assessment.reasons = [reason.to_public() for reason in result.reasons]
    assessment.members_count = members
    assessment.able_to_work_count = able
    assessment.survey_date = answers.survey_date
    assessment.notes = answers.notes


def create_assessment(
    session: Session, *, principal: Principal, household: Household, data: AssessmentCreate
) -> Assessment:
    """A new review in draft, classified from its answers under the year's standard."""
    if household.archived_at is not None:
        raise Conflict("The household is archived.")
    standard = _standard_for(data.year, data.standard)
    review_dates.check_survey_date(data.year, data.kind, data.survey_date)
    if data.kind == "periodic":
        # Refused now rather than at recognition: such a review could never be recognised.
        recognition.check_one_periodic(session, household.id, data.year, pointer="/year")
    place = session.exec(select(Place).where(Place.id == household.place_id)).one()
    assessment = Assessment(
        household_id=household.id,
        place_path=household.place_path,
        year=data.year,
        kind=data.kind,
        standard_code=standard.code,
        area=effective_area(session, place) or "rural",
        classification="not_poor",
        poverty_line=0,
        created_by=principal.id,
    )
    _apply_answers(session, assessment, household, data)
    session.add(assessment)
    session.flush()
    _record_step(session, principal, assessment, "created", "draft", "draft", {})
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="assessment",
        entity_id=assessment.id,
        after=snapshot(assessment),
        place_path=assessment.place_path,
    )
    return assessment


def update_assessment(
    session: Session,
    *,
    principal: Principal,
    household: Household,
    assessment: Assessment,
    data: SurveyAnswers,
) -> Assessment:
    """Replace the survey answers of a draft (a re-survey after a failed meeting, say)."""
    if assessment.state != "draft":
        raise Conflict(
            f"Only a draft can be edited; this assessment is {assessment.state}.",
            errors=[{"pointer": "/state", "detail": assessment.state}],
        )
    review_dates.check_survey_date(assessment.year, assessment.kind, data.survey_date)
    before = snapshot(assessment)
    _apply_answers(session, assessment, household, data)
    _touch(assessment)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="assessment",
        entity_id=assessment.id,
        before=before,
        after=snapshot(assessment),
        place_path=assessment.place_path,
    )
    return assessment


def apply_step(
    session: Session,
    *,
    principal: Principal,
    household: Household,
    assessment: Assessment,
    data: StepRequest,
) -> Assessment:
    """Move the review one step along its life cycle; skipping or repeating a step is refused."""
    allowed_from, target = STEPS[data.step]
    if assessment.state not in allowed_from:
        raise Conflict(
            f"Step {data.step!r} cannot follow state {assessment.state!r}.",
            errors=[{"pointer": "/step", "detail": f"not allowed from {assessment.state}"}],
        )
    before = snapshot(assessment)
    details = _step_details(session, assessment, data)
    if assessment.kind == "periodic" and data.step in ("surveyed", "recognised"):
        # Before the flush below: the unique index would otherwise refuse a second recognised
        # periodic review with a generic conflict; surveying one is refused just as early.
        recognition.check_one_periodic(session, household.id, assessment.year, assessment.id)
    if data.step == "meeting":
        share = data.agreeing / data.attendees
        target = "agreed" if share >= MEETING_MAJORITY else "draft"  # re-survey under 50 %
        assessment.meeting_attendees, assessment.meeting_agreeing = data.attendees, data.agreeing
    elif data.step == "posted":
        assessment.posted_on = date.fromisoformat(details["posted_on"])
    elif data.step == "recognised":
        assessment.decision_number = data.decision_number
        assessment.decision_date = data.decision_date
        assessment.effective_date = data.effective_date or data.decision_date
    elif data.step == "rejected":
        assessment.rejected_reason = data.reason
    from_state = assessment.state
    assessment.state = target
    _touch(assessment)
    session.flush()
    if target == "recognised":
        recognition.recognise(
            session, principal=principal, household=household, assessment=assessment
        )
    _record_step(session, principal, assessment, data.step, from_state, target, details)
    record_audit(
        session,
        principal=principal,
        action=f"step:{data.step}",
        entity="assessment",
        entity_id=assessment.id,
        before=before,
        after=snapshot(assessment),
        place_path=assessment.place_path,
    )
    return assessment


def _step_details(session: Session, assessment: Assessment, data: StepRequest) -> dict:
    """Check what each step needs; return what the step log keeps."""
    if data.step == "meeting":
        if data.attendees is None or data.agreeing is None:
            raise ValidationFailed("A meeting needs attendees and agreeing.", pointer="/attendees")
        if data.agreeing > data.attendees:
            raise ValidationFailed("More agreeing than attendees.", pointer="/agreeing")
        return {
            "attendees": data.attendees,
            "agreeing": data.agreeing,
            "agreement_pct": round(100 * data.agreeing / data.attendees, 2),
        }
    if data.step == "recognised":
        return _decision_details(session, assessment, data)
    if data.step == "rejected":
        if not data.reason:
            raise ValidationFailed("Say why the assessment is rejected.", pointer="/reason")
        return {"reason": data.reason}
    if data.step == "posted":
        # Resolved once here: the step log and the assessment keep the same day.
        posted_on = data.posted_on or today_in_vietnam()
        review_dates.check_posted_on(assessment, posted_on)
        return {"posted_on": posted_on.isoformat()}
    return {}


def _decision_details(session: Session, assessment: Assessment, data: StepRequest) -> dict:
    """Recognition needs the chair's decision, dated inside the review, after its posting and
    in year order among the household's recognised reviews."""
    if not data.decision_number or not data.decision_date:
        raise ValidationFailed(
            "Recognition needs the commune chair's decision number and date.",
            pointer="/decision_number" if not data.decision_number else "/decision_date",
        )
    review_dates.check_decision(session, assessment, data.decision_date, data.effective_date)
    return {
        "decision_number": data.decision_number,
        "decision_date": data.decision_date.isoformat(),
    }


def _touch(assessment: Assessment) -> None:
    assessment.updated_at = utcnow()
    bump_version(assessment)


def _record_step(session, principal, assessment, step, from_state, to_state, details) -> None:
    session.add(
        AssessmentStep(
            assessment_id=assessment.id,
            step=step,
            from_state=from_state,
            to_state=to_state,
            actor_id=principal.id,
            details=details,
        )
    )
