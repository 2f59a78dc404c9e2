"""When a sponsorship may run: from a day the household existed, not in the future, and
never beside another sponsorship of the same sponsor for the same household.

Periods are half-open like assignments': a sponsorship runs from start_date until the day
before end_date (the report's active_on and add_pledge read it so)."""

from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from api.core.dates import today_in_vietnam
from api.errors import Conflict, ValidationFailed
from api.models import Household, Sponsor, Sponsorship, SponsorshipPledge
from api.people.service import check_not_before_household
from api.sponsors import delivered
from api.sponsors.schemas import SponsorshipCreate


def check_period(session: Session, household: Household, data: SponsorshipCreate) -> None:
    """The period starts by today (a pledge for later is recorded when it begins, as an
    assignment is) and not before the household existed, and ends after it starts."""
    if data.start_date > today_in_vietnam():
        raise ValidationFailed(
            "start_date is in the future; record the sponsorship when it begins.",
            pointer="/start_date",
            detail_vi="Ngày bắt đầu ở tương lai; hãy ghi nhận khi việc bảo trợ bắt đầu.",
        )
    check_not_before_household(session, household, data.start_date, pointer="/start_date")
    if data.end_date is not None and data.end_date <= data.start_date:
        raise ValidationFailed("end_date must be after start_date.", pointer="/end_date")


def check_no_overlap(
    session: Session,
    household_id: str,
    sponsor: Sponsor,
    start: date,
    end: date | None,
    *,
    pointer: str,
    except_id: str | None = None,
) -> None:
    """One sponsor, one sponsorship of a household at a time: two running together would
    count its pledges to that household twice."""
    stmt = (
        select(Sponsorship)
        .join(SponsorshipPledge, SponsorshipPledge.sponsorship_id == Sponsorship.id)
        .where(
            Sponsorship.household_id == household_id,
            SponsorshipPledge.sponsor_id == sponsor.id,
            or_(Sponsorship.end_date.is_(None), Sponsorship.end_date > start),
        )
    )
    if end is not None:
        stmt = stmt.where(Sponsorship.start_date < end)
    if except_id is not None:
        stmt = stmt.where(Sponsorship.id != except_id)
    other = session.exec(stmt.execution_options(unscoped=True)).first()
    if other is None:
        return
    until = other.end_date.isoformat() if other.end_date else "now"
    raise Conflict(
        f"{sponsor.name} already sponsors this household in {other.id} "
        f"({other.start_date.isoformat()} to {until}); add to that sponsorship or end it first.",
        detail_vi=(
            f"{sponsor.name} đang bảo trợ hộ này trong {other.id} "
            f"(từ {other.start_date.strftime('%d/%m/%Y')}); hãy bổ sung vào đó hoặc kết thúc "
            "trước."
        ),
        errors=[{"pointer": pointer, "detail": f"overlaps {other.id}"}],
    )


def check_new_end(session: Session, sponsorship: Sponsorship, end: date | None) -> None:
    """A later end (or none) must not run into another sponsorship of the same sponsor for the
    household, and an earlier one must not leave a counted contribution after the end."""
    pledged = select(SponsorshipPledge.sponsor_id).where(
        SponsorshipPledge.sponsorship_id == sponsorship.id
    )
    sponsors = session.exec(
        select(Sponsor).where(Sponsor.id.in_(pledged)).execution_options(unscoped=True)
    )
    for sponsor in sponsors:
        check_no_overlap(
            session,
            sponsorship.household_id,
            sponsor,
            sponsorship.start_date,
            end,
            pointer="/end_date",
            except_id=sponsorship.id,
        )
    last = delivered.last_contribution_on(session, sponsorship.id)
    if end is not None and last is not None and last >= end:
        raise ValidationFailed(
            f"A contribution counted for this sponsorship was delivered on {last.isoformat()}; "
            "the sponsorship cannot end before that day has passed.",
            pointer="/end_date",
            detail_vi=(
                f"Đã có khoản đóng góp giao ngày {last.strftime('%d/%m/%Y')} thuộc việc bảo trợ "
                "này; ngày kết thúc phải sau ngày đó."
            ),
        )
