"""Targets the reports measure progress against: a place, a year and a maximum rate."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field

TARGET_KINDS = ("poor", "near_poor")


class Target(SQLModel, table=True):
    """E.g. the founding letter's "about 4 % poor households in the district by 2020"."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("place_id", "year", "kind"),
        Index(
            "ix_targets_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("tg")
    place_id: str = Field(foreign_key="places.id", index=True)
    place_path: str = Field(max_length=1000)
    year: int
    kind: str = Field(max_length=16)  # poor | near_poor
    # The maximum rate in hundredths of a percent (400 = 4.00 %): exact on every backend.
    max_rate_hundredths: int
    source_note: str | None = Field(default=None, max_length=500)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


# -- counts kept up to date for the province dashboards (issue 9) ------------------------------
# Maintained by api/reports/counts_refresh.py in the transaction of every change to their
# inputs (a household's place, ethnicity, registration or archiving, its status changes):
# the reports read a few thousand rows here instead of ranking every status change of the
# province. Rows are rebuilt whole for each place touched, never incremented, so they cannot
# drift from the records they sum.


class ReportStatusCount(SQLModel, table=True):
    """Households on the register of a place, by ethnicity and status, over a span of years:
    the poverty-rate report's counts. `status` is "" and `change_year` 0 for households with
    no recognised review yet; `year_to` NULL means "and every later year"."""

    __tablename__ = "report_status_counts"
    __table_args__ = (
        Index(
            "ix_report_status_counts_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    place_id: str = Field(primary_key=True, max_length=32)
    ethnicity: str = Field(primary_key=True, max_length=32)
    status: str = Field(primary_key=True, max_length=16)
    without_labour_capacity: bool = Field(primary_key=True)
    change_year: int = Field(primary_key=True)
    year_from: int = Field(primary_key=True)
    year_to: int | None = None
    place_path: str = Field(max_length=1000)
    commune_id: str = Field(max_length=32, index=True)
    households: int


class ReportTransitionCount(SQLModel, table=True):
    """Households of a place and ethnicity with a transition (newly poor, escaped…) in a
    year, each counted once however many changes of that kind it had that year."""

    __tablename__ = "report_transition_counts"
    __table_args__ = (
        Index(
            "ix_report_transition_counts_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    place_id: str = Field(primary_key=True, max_length=32)
    ethnicity: str = Field(primary_key=True, max_length=32)
    year: int = Field(primary_key=True)
    transition: str = Field(primary_key=True, max_length=24)
    place_path: str = Field(max_length=1000)
    commune_id: str = Field(max_length=32, index=True)
    households: int


class ReportFollowedHousehold(SQLModel, table=True):
    """A household on the register over a span of years in which it is poor or near-poor,
    or its latest change is an escape: the households the coverage reports follow, with
    the change behind their status (its transition and year)."""

    __tablename__ = "report_followed_households"
    __table_args__ = (
        Index(
            "ix_report_followed_households_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    household_id: str = Field(primary_key=True, max_length=32)
    year_from: int = Field(primary_key=True)
    year_to: int | None = None
    status: str = Field(max_length=16)
    transition: str | None = Field(default=None, max_length=24)
    change_year: int
    place_id: str = Field(max_length=32, index=True)
    place_path: str = Field(max_length=1000)
