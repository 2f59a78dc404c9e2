"""Sponsors and sponsorships: who helps a household escape poverty, and what they pledged."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field

# (code, Vietnamese, English): the founding letter's "several well-off households help one
# household" and "each mass organisation helps some households" models, plus businesses and
# philanthropists (domain.md §1, points 1-2).
SPONSOR_KINDS: tuple[tuple[str, str, str], ...] = (
    ("well_off_household", "Hộ khá giả", "Well-off household"),
    ("mass_organisation", "Tổ chức đoàn thể", "Mass organisation"),
    ("business", "Doanh nghiệp", "Business"),
    ("philanthropist", "Nhà hảo tâm", "Philanthropist"),
)
SPONSOR_KIND_CODES = tuple(code for code, _, _ in SPONSOR_KINDS)


class Sponsor(SQLModel, table=True):
    __tablename__ = "sponsors"
    __table_args__ = (
        Index(
            "ix_sponsors_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("spn")
    kind: str = Field(max_length=24, index=True)
    name: str = Field(max_length=200)
    name_search: str = Field(max_length=200, index=True)
    representative: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=20)
    address: str | None = Field(default=None, max_length=300)
    # The place it is registered in (a hamlet, a commune, a district or the province).
    place_id: str = Field(foreign_key="places.id", index=True)
    place_path: str = Field(max_length=1000)
    is_active: bool = True
    notes: str | None = Field(default=None, max_length=1000)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class Sponsorship(SQLModel, table=True):
    """One or more sponsors helping one household for a period."""

    __tablename__ = "sponsorships"
    __table_args__ = (
        Index(
            "ix_sponsorships_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("shp")
    household_id: str = Field(foreign_key="households.id", index=True)
    place_path: str = Field(max_length=1000)
    start_date: date
    end_date: date | None = None
    goal: str | None = Field(default=None, max_length=1000)
    end_reason: str | None = Field(default=None, max_length=500)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class SponsorshipPledge(SQLModel, table=True):
    """What one sponsor of a sponsorship pledged: an amount of VND and/or items in words."""

    __tablename__ = "sponsorship_pledges"
    __table_args__ = (UniqueConstraint("sponsorship_id", "sponsor_id"),)

    id: str = id_field("plg")
    sponsorship_id: str = Field(foreign_key="sponsorships.id", index=True)
    sponsor_id: str = Field(foreign_key="sponsors.id", index=True)
    amount_vnd: int | None = Field(default=None, sa_column=Column(BigInteger))
    items: str | None = Field(default=None, max_length=1000)
    created_at: datetime = created_field()


class SponsorshipContribution(SQLModel, table=True):
    """A support record (funding source social mobilisation) given under a sponsorship, by one
    of its sponsors. The support itself is recorded through /api/v1/supports.

    support_id has no database foreign key on purpose: the supports table belongs to another
    migration branch (0003), and a key across branches would tie their order. The service
    checks the support exists when it links it; supports are never deleted.
    """

    __tablename__ = "sponsorship_contributions"

    support_id: str = Field(primary_key=True, max_length=32)
    sponsorship_id: str = Field(foreign_key="sponsorships.id", index=True)
    sponsor_id: str = Field(foreign_key="sponsors.id", index=True)
    place_path: str = Field(max_length=1000)
    linked_by: str | None = Field(default=None, max_length=32)
    linked_at: datetime = created_field()
