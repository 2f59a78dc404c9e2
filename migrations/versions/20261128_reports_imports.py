"""reports_imports: targets, proposals and their consolidated submissions, import jobs,
dismissed duplicate pairs; households get registered_on and merged_into_id, members an
unaccented name for duplicate detection (issue 6)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 15:50:41.131578
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.models.base
from api.core.text import fold

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PATH_OPS = {"place_path": "varchar_pattern_ops"}


def _place_path_index(batch_op, table: str) -> None:
    batch_op.create_index(f"ix_{table}_place_path", ["place_path"], postgresql_ops=PATH_OPS)


def upgrade() -> None:
    op.create_table(
        "duplicate_dismissals",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("first_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("second_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("place_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("dismissed_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "first_id", "second_id"),
    )
    op.create_table(
        "import_jobs",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("place_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("place_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("file_kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("atomic", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("errors_file", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["place_id"], ["places.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_jobs_place_id"), ["place_id"], unique=False)
        _place_path_index(batch_op, "import_jobs")

    op.create_table(
        "proposal_submissions",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("place_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("place_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("proposals_count", sa.Integer(), nullable=False),
        sa.Column("total_budget_vnd", sa.BigInteger(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("decision_number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("decided_at", api.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["place_id"], ["places.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_submissions_place_id"), ["place_id"], unique=False
        )
        _place_path_index(batch_op, "proposal_submissions")
        batch_op.create_index(batch_op.f("ix_proposal_submissions_state"), ["state"], unique=False)

    op.create_table(
        "targets",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("place_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("place_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("max_rate_hundredths", sa.Integer(), nullable=False),
        sa.Column("source_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["place_id"], ["places.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("place_id", "year", "kind"),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targets_place_id"), ["place_id"], unique=False)
        _place_path_index(batch_op, "targets")

    op.create_table(
        "proposals",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("place_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("place_path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("agency_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("budget_vnd", sa.BigInteger(), nullable=False),
        sa.Column("justification", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("submission_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("submitted_at", api.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["place_id"], ["places.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["proposal_submissions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposals_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposals_place_id"), ["place_id"], unique=False)
        _place_path_index(batch_op, "proposals")
        batch_op.create_index(batch_op.f("ix_proposals_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_proposals_submission_id"), ["submission_id"], unique=False
        )

    # Households: the first day on the register, filled from what the registry already knows.
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("merged_into_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_foreign_key(
            "fk_households_merged_into_id_households", "households", ["merged_into_id"], ["id"]
        )
    _backfill_registered_on()
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.alter_column("registered_on", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_households_registered_on"), ["registered_on"], unique=False
        )

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "name_search",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                server_default="",
                nullable=False,
            )
        )
    _backfill_name_search()
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_members_name_search_birth_year", ["name_search", "birth_year"], unique=False
        )


def _backfill_registered_on() -> None:
    """The creation day (in Vietnam), or 1 January of an earlier recognised review's year:
    a household reviewed for 2016 was on the register in 2016."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "UPDATE households SET registered_on = "
            "(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
        )
        op.execute(
            "UPDATE households AS h SET registered_on = make_date(m.first_year, 1, 1) "
            "FROM (SELECT household_id, MIN(year) AS first_year FROM status_changes "
            "GROUP BY household_id) AS m "
            "WHERE m.household_id = h.id AND make_date(m.first_year, 1, 1) < h.registered_on"
        )
        return
    op.execute("UPDATE households SET registered_on = date(created_at, '+7 hours')")
    # HAVING: without a review, no row (NULL), not printf's "0000-01-01" of a NULL year.
    first_review = (
        "SELECT printf('%04d-01-01', MIN(year)) FROM status_changes"
        " WHERE status_changes.household_id = households.id HAVING MIN(year) IS NOT NULL"
    )
    op.execute(
        f"UPDATE households SET registered_on = ({first_review})"
        f" WHERE ({first_review}) < registered_on"
    )


def _backfill_name_search() -> None:
    bind = op.get_bind()
    members = sa.table("members", sa.column("id"), sa.column("full_name"), sa.column("name_search"))
    rows = bind.execute(sa.select(members.c.id, members.c.full_name)).all()
    stmt = (
        sa.update(members)
        .where(members.c.id == sa.bindparam("_id"))
        .values(name_search=sa.bindparam("_name"))
    )
    for start in range(0, len(rows), 5000):
        part = rows[start : start + 5000]
        bind.execute(stmt, [{"_id": i, "_name": fold(name)[:200]} for i, name in part])


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_name_search_birth_year")
        batch_op.drop_column("name_search")

    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_constraint("fk_households_merged_into_id_households", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_households_registered_on"))
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("registered_on")

    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposals_submission_id"))
        batch_op.drop_index(batch_op.f("ix_proposals_state"))
        batch_op.drop_index("ix_proposals_place_path", postgresql_ops=PATH_OPS)
        batch_op.drop_index(batch_op.f("ix_proposals_place_id"))
        batch_op.drop_index(batch_op.f("ix_proposals_agency_id"))
    op.drop_table("proposals")

    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index("ix_targets_place_path", postgresql_ops=PATH_OPS)
        batch_op.drop_index(batch_op.f("ix_targets_place_id"))
    op.drop_table("targets")

    with op.batch_alter_table("proposal_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_submissions_state"))
        batch_op.drop_index("ix_proposal_submissions_place_path", postgresql_ops=PATH_OPS)
        batch_op.drop_index(batch_op.f("ix_proposal_submissions_place_id"))
    op.drop_table("proposal_submissions")

    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_import_jobs_place_path", postgresql_ops=PATH_OPS)
        batch_op.drop_index(batch_op.f("ix_import_jobs_place_id"))
    op.drop_table("import_jobs")
    op.drop_table("duplicate_dismissals")
