"""People in charge of households (officers or not) and their assignments over time."""

from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field, timestamp_field

# Who a person in charge works for (domain.md §1, point 2 of the founding letter).
ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("commune_staff", "Cán bộ xã", "Commune staff"),
    ("womens_union", "Hội Liên hiệp Phụ nữ", "Women's Union"),
    ("farmers_union", "Hội Nông dân", "Farmers' Union"),
    ("youth_union", "Đoàn Thanh niên", "Youth Union"),
    ("veterans_association", "Hội Cựu chiến binh", "Veterans' Association"),
    ("fatherland_front", "Mặt trận Tổ quốc", "Fatherland Front"),
    ("party_cell", "Chi bộ Đảng", "Party cell"),
    ("well_off_household", "Hộ khá giả", "Well-off household"),
)
ORGANISATION_CODES = tuple(code for code, _, _ in ORGANISATIONS)


class Person(SQLModel, table=True):
    """Someone who can be in charge of households and visit them; a user or not."""

    __tablename__ = "persons"
    __table_args__ = (
        Index(
            "ix_persons_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("ps")
    full_name: str = Field(max_length=200)
    name_search: str = Field(max_length=200, index=True)
    organisation: str = Field(max_length=32)
    position: str | None = Field(default=None, max_length=200)
    party_member: bool = False
    phone: str | None = Field(default=None, max_length=20)
    # Set when the person has a login: one person record per user.
    user_id: str | None = Field(default=None, foreign_key="users.id", unique=True)
    # The place the person works in (a commune, a hamlet, or higher): scoping by its path.
    place_id: str = Field(foreign_key="places.id", index=True)
    place_path: str = Field(max_length=1000)
    is_active: bool = True
    notes: str | None = Field(default=None, max_length=1000)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class Assignment(SQLModel, table=True):
    """A person in charge of a household from start_date until end_date (exclusive)."""

    __tablename__ = "assignments"
    __table_args__ = (
        # At most one assignment in force per household, even under concurrent requests.
        Index(
            "uq_assignments_household_open",
            "household_id",
            unique=True,
            postgresql_where=text("end_date IS NULL"),
            sqlite_where=text("end_date IS NULL"),
        ),
        Index(
            "ix_assignments_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("asg")
    household_id: str = Field(foreign_key="households.id", index=True)
    person_id: str = Field(foreign_key="persons.id", index=True)
    place_path: str = Field(max_length=1000)
    start_date: date
    end_date: date | None = None
    reason: str = Field(max_length=500)
    end_reason: str | None = Field(default=None, max_length=500)
    # The assignment this one took over from (a change of person in charge).
    replaces_id: str | None = Field(default=None, foreign_key="assignments.id")
    created_by: str | None = Field(default=None, max_length=32)
    ended_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    ended_at: datetime | None = timestamp_field()
    updated_at: datetime = created_field()
    version: int = 1
