"""Inserting and updating many rows at once, fast on both backends.

PostgreSQL: COPY into the table (the fastest way in), in the caller's transaction; where
rows may clash with others on a unique key, COPY is tried in a savepoint and a clash falls
back to one ``INSERT … SELECT … FROM jsonb_to_recordset(:rows) ON CONFLICT DO NOTHING
RETURNING`` with the rows as one JSON parameter (also used by ``UPDATE … FROM
jsonb_to_recordset``): no giant SQL text for the driver to parse, one round trip. SQLite:
executemany.
"""

import json
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import orjson
from psycopg.errors import UniqueViolation
from sqlalchemy import JSON, Date, DateTime, Table, any_, bindparam, insert, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

_PG = postgresql.dialect()
# Below this many rows one INSERT statement costs less than a COPY (and its savepoint).
COPY_FROM = 50


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def rows_json(rows: list[dict[str, Any]]) -> str:
    """The rows as one JSON text: orjson (dates and datetimes in ISO 8601, as isoformat()
    writes them), about ten times faster than the json module on 10,000 rows; the json
    module only for what orjson refuses (integers beyond 64 bits in free-form attributes)."""
    try:
        return orjson.dumps(rows).decode()
    except TypeError:
        return json.dumps(rows, default=_json_default, ensure_ascii=False)


def any_of(column, values: list[Any], session: Session):
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`: one parameter, so the same
    statement (compiled and prepared once) whatever the number of values."""
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


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
    columns = tuple(rows[0])
    if len(rows) >= COPY_FROM and not skip_conflicts_on and not returning:
        _copy(session, table, columns, rows)
        return []
    if len(rows) >= COPY_FROM and returning in columns:
        # Optimistic COPY: a clash on the unique key (another request saving the same
        # reference at the same moment) is rare; then the savepoint is undone and the
        # INSERT … ON CONFLICT below decides row by row.
        try:
            with session.begin_nested():
                _copy(session, table, columns, rows)
            return [row[returning] for row in rows]
        except UniqueViolation:
            pass
    sql = _statement(table, columns, tuple(skip_conflicts_on or ()), returning)
    result = session.execute(sql, {"rows": rows_json(rows)})
    return list(result.scalars()) if returning else []


def _copy(session: Session, table: Table, columns: tuple[str, ...], rows) -> None:
    """COPY the rows into the table, in the session's transaction: half the database's work
    of INSERT … SELECT FROM jsonb_to_recordset (no JSON document to parse and take apart)."""
    cells = _cells(table, columns)
    names = ", ".join(f'"{c}"' for c in columns)
    session.flush()
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor:
        # The foreign-key checks of COPY run one saved query per row and key; under the
        # service's plan_cache_mode=force_custom_plan (api/db.py) each run is planned again,
        # which doubled the time of a COPY into supports. A primary-key lookup needs no
        # custom plan: the default mode for this statement only (an error undoes it with
        # the transaction or the savepoint).
        previous = cursor.execute("SHOW plan_cache_mode").fetchone()[0]
        if previous != "auto":
            cursor.execute("SELECT set_config('plan_cache_mode', 'auto', true)")
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(cells(row))
        if previous != "auto":
            cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", (previous,))


def _cells(table: Table, columns: tuple[str, ...]) -> Callable[[dict[str, Any]], list[Any]]:
    """A row's values as COPY takes them: JSON as text, and dates and times as ISO 8601 text
    (psycopg's own date and time dumpers cost more than the rest of a row together: a
    support row took 18 µs to format, 6 µs with its dates as text)."""
    types = [getattr(table.c[c].type, "impl", table.c[c].type) for c in columns]
    json_at = [i for i, t in enumerate(types) if isinstance(t, JSON)]
    time_at = [i for i, t in enumerate(types) if isinstance(t, Date | DateTime)]

    last: dict[int, tuple[Any, str]] = {}  # rows of a batch share their timestamps

    def cells(row: dict[str, Any]) -> list[Any]:
        values = [row[c] for c in columns]
        for i in json_at:
            if values[i] is not None:
                values[i] = _json_text(values[i])
        for i in time_at:
            value = values[i]
            if isinstance(value, date):  # a datetime is a date too
                seen = last.get(i)
                if seen is None or seen[0] is not value:
                    seen = last[i] = (value, value.isoformat())
                values[i] = seen[1]
        return values

    return cells


def _json_text(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, default=_json_default, ensure_ascii=False)


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
    session.execute(_update_statement(table, columns, key), {"rows": rows_json(rows)})
