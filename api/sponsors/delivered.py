"""What sponsors delivered: support records (funding source social mobilisation) linked to a
sponsorship, and the report of pledged versus delivered."""

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import false, func, or_
from sqlmodel import Session, select

from api.audit.service import record_audit
from api.auth.principal import Principal
from api.errors import Conflict, ValidationFailed
from api.events.service import append_event
from api.models import Place, Sponsor, Sponsorship, SponsorshipContribution, SponsorshipPledge
from api.models.supports import HAPPENED_STATUSES, Support
from api.sponsors.schemas import ContributionCreate

SOCIAL_MOBILISATION = "social_mobilisation"
UNSCOPED = {"unscoped": True}


def _pledges(session: Session, sponsorship_ids: list[str]) -> dict[str, list[SponsorshipPledge]]:
    stmt = select(SponsorshipPledge).where(SponsorshipPledge.sponsorship_id.in_(sponsorship_ids))
    grouped: dict[str, list[SponsorshipPledge]] = defaultdict(list)
    for pledge in session.exec(stmt.order_by(SponsorshipPledge.id).execution_options(**UNSCOPED)):
        grouped[pledge.sponsorship_id].append(pledge)
    return grouped


def _delivered(session: Session, sponsorship_ids: list[str]) -> dict[tuple[str, str], tuple]:
    """(sponsorship, sponsor) -> (VND delivered, support records delivered)."""
    stmt = (
        select(
            SponsorshipContribution.sponsorship_id,
            SponsorshipContribution.sponsor_id,
            func.coalesce(func.sum(Support.amount_vnd), 0),
            func.count(Support.id),
        )
        .join(Support, Support.id == SponsorshipContribution.support_id)
        .where(
            SponsorshipContribution.sponsorship_id.in_(sponsorship_ids),
            Support.status.in_(sorted(HAPPENED_STATUSES)),
        )
        .group_by(SponsorshipContribution.sponsorship_id, SponsorshipContribution.sponsor_id)
    )
    rows = session.exec(stmt.execution_options(**UNSCOPED))
    return {(shp, spn): (int(amount), count) for shp, spn, amount, count in rows}


def _sponsors(session: Session, ids: set[str]) -> dict[str, Sponsor]:
    if not ids:  # no pledges: no query
        return {}
    stmt = select(Sponsor).where(Sponsor.id.in_(sorted(ids))).execution_options(**UNSCOPED)
    return {sponsor.id: sponsor for sponsor in session.exec(stmt)}


def sponsorships_public(session: Session, sponsorships: list[Sponsorship]) -> list[dict]:
    """Public shapes of a page of sponsorships: pledges, sponsors, delivered, in 3 queries."""
    ids = [s.id for s in sponsorships]
    pledges = _pledges(session, ids) if ids else {}
    delivered = _delivered(session, ids) if ids else {}
    sponsors = _sponsors(session, {p.sponsor_id for rows in pledges.values() for p in rows})
    result = []
    for sponsorship in sponsorships:
        rows = []
        for pledge in pledges.get(sponsorship.id, []):
            sponsor = sponsors.get(pledge.sponsor_id)
            amount, count = delivered.get((sponsorship.id, pledge.sponsor_id), (0, 0))
            rows.append(
                {
                    "id": pledge.id,
                    "sponsor_id": pledge.sponsor_id,
                    "sponsor_name": sponsor.name if sponsor else None,
                    "sponsor_kind": sponsor.kind if sponsor else None,
                    "amount_vnd": pledge.amount_vnd,
                    "items": pledge.items,
                    "delivered_amount_vnd": amount,
                    "delivered_count": count,
                }
            )
        result.append(
            {
                **sponsorship.model_dump(),
                "model": "several_help_one" if len(rows) > 1 else "one_sponsor",
                "pledges": rows,
                "pledged_amount_vnd": sum(r["amount_vnd"] or 0 for r in rows),
                "delivered_amount_vnd": sum(r["delivered_amount_vnd"] for r in rows),
                "delivered_count": sum(r["delivered_count"] for r in rows),
            }
        )
    return result


def _contributor(
    session: Session, sponsorship: Sponsorship, sponsor_id: str | None
) -> SponsorshipPledge:
    pledges = _pledges(session, [sponsorship.id]).get(sponsorship.id, [])
    if sponsor_id is None:
        if len(pledges) == 1:
            return pledges[0]
        raise ValidationFailed(
            "Several sponsors pledged: say which one gave it.", pointer="/sponsor_id"
        )
    for pledge in pledges:
        if pledge.sponsor_id == sponsor_id:
            return pledge
    raise ValidationFailed("That sponsor is not part of this sponsorship.", pointer="/sponsor_id")


def last_contribution_on(session: Session, sponsorship_id: str) -> date | None:
    """The day the latest support counted for the sponsorship was delivered, if any."""
    stmt = (
        select(func.max(Support.delivered_on))
        .join(SponsorshipContribution, SponsorshipContribution.support_id == Support.id)
        .where(SponsorshipContribution.sponsorship_id == sponsorship_id)
    )
    return session.scalar(stmt.execution_options(**UNSCOPED))


def _check_within_period(sponsorship: Sponsorship, support: Support) -> None:
    """A support delivered outside the sponsorship's period was not given under it (the
    period is half-open: end_date is the first day it no longer runs)."""
    day = support.delivered_on
    started, ended = sponsorship.start_date, sponsorship.end_date
    if started <= day and (ended is None or day < ended):
        return
    until = f"until {ended.isoformat()}" if ended else "with no end yet"
    until_vi = f"đến {ended.strftime('%d/%m/%Y')}" if ended else "chưa kết thúc"
    raise ValidationFailed(
        f"The support was delivered on {day.isoformat()}, outside the sponsorship "
        f"(from {started.isoformat()} {until}).",
        pointer="/support_id",
        detail_vi=(
            f"Khoản hỗ trợ được giao ngày {day.strftime('%d/%m/%Y')}, ngoài thời gian bảo trợ "
            f"(từ {started.strftime('%d/%m/%Y')} {until_vi})."
        ),
    )


def link_contribution(
    session: Session, *, principal: Principal, sponsorship: Sponsorship, data: ContributionCreate
) -> tuple[SponsorshipContribution, Support]:
    """Count a support record the household received as a sponsor's contribution."""
    support = session.exec(select(Support).where(Support.id == data.support_id)).first()
    if support is None:
        raise ValidationFailed(
            f"Unknown support record {data.support_id!r}.", pointer="/support_id"
        )
    if support.household_id != sponsorship.household_id:
        raise ValidationFailed("The support went to another household.", pointer="/support_id")
    if support.funding_source != SOCIAL_MOBILISATION:
        raise ValidationFailed(
            f"A contribution is funded by social mobilisation, not {support.funding_source}.",
            pointer="/support_id",
        )
    if support.status not in HAPPENED_STATUSES:
        raise ValidationFailed(
            f"The support is {support.status}, not delivered.", pointer="/support_id"
        )
    _check_within_period(sponsorship, support)
    pledge = _contributor(session, sponsorship, data.sponsor_id)
    stmt = select(SponsorshipContribution.sponsorship_id).where(
        SponsorshipContribution.support_id == support.id
    )
    if session.exec(stmt.execution_options(**UNSCOPED)).first() is not None:
        raise Conflict(
            "This support record already counts for a sponsorship.",
            errors=[{"pointer": "/support_id", "detail": "already linked"}],
        )
    link = SponsorshipContribution(
        support_id=support.id,
        sponsorship_id=sponsorship.id,
        sponsor_id=pledge.sponsor_id,
        place_path=sponsorship.place_path,
        linked_by=principal.id,
    )
    session.add(link)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="link_contribution",
        entity="sponsorship",
        entity_id=sponsorship.id,
        after={"support_id": support.id, "sponsor_id": pledge.sponsor_id},
        place_path=sponsorship.place_path,
    )
    append_event(
        session,
        type="sponsorship.contribution_recorded",
        entity_id=sponsorship.id,
        place_path=sponsorship.place_path,
        data={
            "sponsorship_id": sponsorship.id,
            "support_id": support.id,
            "sponsor_id": pledge.sponsor_id,
        },
    )
    return link, support


def _pct(part: int, whole: int) -> float | None:
    if not whole:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def pledged_vs_delivered(
    session: Session, *, place_id: str | None, active_on: date | None
) -> dict[str, Any]:
    """Per sponsor: what it pledged to the caller's households and what was delivered."""
    stmt = select(Sponsorship)
    if place_id is not None:
        path = session.exec(select(Place.path).where(Place.id == place_id)).first()
        where = Sponsorship.place_path.startswith(path, autoescape=True) if path else false()
        stmt = stmt.where(where)
    if active_on is not None:
        stmt = stmt.where(
            Sponsorship.start_date <= active_on,
            or_(Sponsorship.end_date.is_(None), Sponsorship.end_date > active_on),
        )
    sponsorships = list(session.exec(stmt))
    views = sponsorships_public(session, sponsorships)
    rows: dict[str, dict[str, Any]] = {}
    for view in views:
        for pledge in view["pledges"]:
            row = rows.setdefault(
                pledge["sponsor_id"],
                {
                    "sponsor_id": pledge["sponsor_id"],
                    "sponsor_name": pledge["sponsor_name"] or pledge["sponsor_id"],
                    "sponsor_kind": pledge["sponsor_kind"],
                    "households": set(),
                    "pledged_amount_vnd": 0,
                    "pledged_items": [],
                    "delivered_amount_vnd": 0,
                    "delivered_count": 0,
                },
            )
            row["households"].add(view["household_id"])
            row["pledged_amount_vnd"] += pledge["amount_vnd"] or 0
            if pledge["items"]:
                row["pledged_items"].append(pledge["items"])
            row["delivered_amount_vnd"] += pledge["delivered_amount_vnd"]
            row["delivered_count"] += pledge["delivered_count"]
    result = []
    for row in sorted(rows.values(), key=lambda r: (r["sponsor_name"], r["sponsor_id"])):
        row["households"] = len(row["households"])
        row["delivered_pct"] = _pct(row["delivered_amount_vnd"], row["pledged_amount_vnd"])
        result.append(row)
    pledged = sum(r["pledged_amount_vnd"] for r in result)
    delivered = sum(r["delivered_amount_vnd"] for r in result)
    total = {
        "households": len({v["household_id"] for v in views}),
        "sponsorships": len(views),
        "pledged_amount_vnd": pledged,
        "delivered_amount_vnd": delivered,
        "delivered_count": sum(r["delivered_count"] for r in result),
        "delivered_pct": _pct(delivered, pledged),
    }
    return {"rows": result, "total": total}
