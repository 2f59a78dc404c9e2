"""report counts: the poverty-rate and transition counts, and the households the coverage
reports follow, kept up to date (issue 9)

Three tables the reports read instead of ranking every status change of the province
(api/reports/counts.py says what they hold, api/reports/counts_refresh.py how they stay
true). The upgrade fills them from the records already there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def _place_columns() -> list[sa.Column]:
    return [
        sa.Column("place_path", String(length=1000), nullable=False),
        sa.Column("commune_id", String(length=32), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
    ]


def _indexes(table: str) -> None:
    op.create_index(
        f"ix_{table}_place_path",
        table,
        ["place_path"],
        postgresql_ops={"place_path": "varchar_pattern_ops"},
    )
    op.create_index(op.f(f"ix_{table}_commune_id"), table, ["commune_id"])


def upgrade() -> None:
    op.create_table(
        "report_status_counts",
        sa.Column("place_id", String(length=32), nullable=False),
        sa.Column("ethnicity", String(length=32), nullable=False),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("without_labour_capacity", sa.Boolean(), nullable=False),
        sa.Column("change_year", sa.Integer(), nullable=False),
        sa.Column("year_from", sa.Integer(), nullable=False),
        sa.Column("year_to", sa.Integer(), nullable=True),
        *_place_columns(),
        sa.PrimaryKeyConstraint(
            "place_id",
            "ethnicity",
            "status",
            "without_labour_capacity",
            "change_year",
            "year_from",
            name=op.f("pk_report_status_counts"),
        ),
    )
    _indexes("report_status_counts")
    op.create_table(
        "report_transition_counts",
        sa.Column("place_id", String(length=32), nullable=False),
        sa.Column("ethnicity", String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("transition", String(length=24), nullable=False),
        *_place_columns(),
        sa.PrimaryKeyConstraint(
            "place_id", "ethnicity", "year", "transition", name=op.f("pk_report_transition_counts")
        ),
    )
    _indexes("report_transition_counts")
    op.create_table(
        "report_followed_households",
        sa.Column("household_id", String(length=32), nullable=False),
        sa.Column("year_from", sa.Integer(), nullable=False),
        sa.Column("year_to", sa.Integer(), nullable=True),
        sa.Column("status", String(length=16), nullable=False),
        sa.Column("transition", String(length=24), nullable=True),
        sa.Column("change_year", sa.Integer(), nullable=False),
        sa.Column("place_id", String(length=32), nullable=False),
        sa.Column("place_path", String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint(
            "household_id", "year_from", name=op.f("pk_report_followed_households")
        ),
    )
    op.create_index(
        "ix_report_followed_households_place_path",
        "report_followed_households",
        ["place_path"],
        postgresql_ops={"place_path": "varchar_pattern_ops"},
    )
    op.create_index(
        op.f("ix_report_followed_households_place_id"),
        "report_followed_households",
        ["place_id"],
    )
    _repair_registered_on()
    _fill()


def _repair_registered_on() -> None:
    """Revision 0005 set registered_on to 0000-01-01 on SQLite for households with no review
    (printf of a NULL year); the counts would start them in year 0. Their creation day, as
    0005 meant (it is fixed there for new upgrades)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE households SET registered_on = date(created_at, '+7 hours')"
            " WHERE registered_on < '0001-01-01'"
        )


def _fill() -> None:
    """Counts of the records already there (none on a new database)."""
    # The application's own rebuild: the counts are defined by that code, and a copy of it
    # here could only drift from it.
    from sqlmodel import Session

    from api.reports.counts_refresh import rebuild_all

    with Session(bind=op.get_bind()) as session:
        rebuild_all(session)
        session.flush()


def downgrade() -> None:
    table = "report_followed_households"
    op.drop_index(op.f(f"ix_{table}_place_id"), table_name=table)
    op.drop_index(f"ix_{table}_place_path", table_name=table)
    op.drop_table(table)
    for table in ("report_transition_counts", "report_status_counts"):
        op.drop_index(op.f(f"ix_{table}_commune_id"), table_name=table)
        op.drop_index(f"ix_{table}_place_path", table_name=table)
        op.drop_table(table)
