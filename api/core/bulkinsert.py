"""Inserting and updating many rows at once, fast on both backends.

PostgreSQL: one statement whatever the number of rows, ``INSERT … SELECT … FROM
jsonb_to_recordset(:rows)`` (or ``UPDATE … FROM jsonb_to_recordset(:rows)``) with the rows as
one JSON parameter: no giant SQL text for the driver to parse, one round trip; ON CONFLICT and
RETURNING still work. SQLite: executemany.
"""

import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

_PG = postgresql.dialect()


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


@lru_cache(maxsize=256)
def _statement(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...], returning):
    """The INSERT … SELECT FROM jsonb_to_recordset for these columns (built once)."""
    names = ", ".join(f'"{c}"' for c in columns)
    spec = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=_PG)}' for c in columns)
    sql = (
        f'INSERT INTO "{table.name}" ({names}) SELECT {names} '
        f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x({spec})"
    )
    if conflict:
        keys = ", ".join(f'"{c}"' for c in conflict)
        sql += f" ON CONFLICT ({keys}) DO NOTHING"
    if returning:
        sql += f' RETURNING "{returning}"'
    return text(sql)


def insert_rows(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    skip_conflicts_on: list[str] | None = None,
    returning: str | None = None,
) -> list[Any]:
    """Insert rows (all with the same keys); with skip_conflicts_on, rows clashing on that
    unique key are left out; with returning, the column's values of the rows inserted."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        stmt = sqlite.insert(table)
        if skip_conflicts_on:
            stmt = stmt.on_conflict_do_nothing(index_elements=skip_conflicts_on)
        if returning:
            return list(session.execute(stmt.returning(table.c[returning]), rows).scalars())
        session.execute(stmt if skip_conflicts_on else insert(table), rows)
        return []
    sql = _statement(table, tuple(rows[0]), tuple(skip_conflicts_on or ()), returning)
    payload = json.dumps(rows, default=_json_default, ensure_ascii=False)
    result = session.execute(sql, {"rows": payload})
    return list(result.scalars()) if returning else []


@lru_cache(maxsize=64)
def _update_statement(table: Table, columns: tuple[str, ...], key: str):
    """UPDATE … FROM jsonb_to_recordset for these columns, matched on `key` (built once)."""
    spec = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=_PG)}' for c in (key, *columns))
    assignments = ", ".join(f'"{c}" = x."{c}"' for c in columns)
    return text(
        f'UPDATE "{table.name}" AS t SET {assignments} '
        f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x({spec}) "
        f'WHERE t."{key}" = x."{key}"'
    )


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]], *, key: str = "id"):
    """Update rows (all with the same keys) found by `key`, in one statement."""
    if not rows:
        return
    columns = tuple(c for c in rows[0] if c != key)
    if session.get_bind().dialect.name != "postgresql":
        stmt = (
            update(table)
            .where(table.c[key] == bindparam("_key"))
            .values({c: bindparam(c) for c in columns})
        )
        params = [{**{c: row[c] for c in columns}, "_key": row[key]} for row in rows]
        session.execute(stmt, params)
        return
    payload = json.dumps(rows, default=_json_default, ensure_ascii=False)
    session.execute(_update_statement(table, columns, key), {"rows": payload})
