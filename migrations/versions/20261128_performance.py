"""performance: indexes for the province-scale hot paths (issue 9)

- households.search_text: a trigram GIN index (pg_trgm) for the name search
  `search_text LIKE '%q%'`, PostgreSQL only (SQLite keeps its scan of the plain LIKE). The
  extension is created IF NOT EXISTS: pg_trgm is a trusted extension (PostgreSQL 13+), so
  the database owner may create it without being a superuser. A downgrade drops the index and
  leaves the extension (other objects may use it).
- households (commune_id, id) of the households not archived: a commune's households in the
  lists' keyset order.
- households (commune_id, next_visit_due_on, id) of the households with a due date: a
  commune's visit worklist in its order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "archived_at IS NULL"
DUE = "archived_at IS NULL AND next_visit_due_on IS NOT NULL"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_households_search_trgm",
            "households",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(
            "ix_households_commune_active",
            ["commune_id", "id"],
            postgresql_where=sa.text(ACTIVE),
            sqlite_where=sa.text(ACTIVE),
        )
        batch_op.create_index(
            "ix_households_commune_due",
            ["commune_id", "next_visit_due_on", "id"],
            postgresql_where=sa.text(DUE),
            sqlite_where=sa.text(DUE),
        )


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_households_commune_due",
            postgresql_where=sa.text(DUE),
            sqlite_where=sa.text(DUE),
        )
        batch_op.drop_index(
            "ix_households_commune_active",
            postgresql_where=sa.text(ACTIVE),
            sqlite_where=sa.text(ACTIVE),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_households_search_trgm", table_name="households")
