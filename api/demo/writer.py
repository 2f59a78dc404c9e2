"""Deterministic ids and batched inserts for the demo district.

Ids keep the service's layout (a type prefix and a ULID) but are drawn from a counter over a
fixed instant, so one seed always gives the same ids, all older than anything created later.

Inserts: PostgreSQL takes the rows through COPY (psycopg's adapters, JSON columns as JSON
text), several times faster than INSERT for a table with indexes and foreign keys. SQLite
takes executemany straight on the driver, with every value converted by the column type's
own bind processor: the stored values are exactly those SQLAlchemy would store, without its
per-row bookkeeping (which costs more than the insert).
"""

import json
import random
from bisect import bisect
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Table
from sqlmodel import Session

from api.core.dates import VIETNAM
from api.core.text import fold

BATCH = 5000
# 1 January 2019 in milliseconds: the demo's ids all sort before the first real record.
ID_EPOCH_MS = int(datetime(2019, 1, 1, tzinfo=UTC).timestamp() * 1000)
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def _crockford(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, index = divmod(value, 32)
        chars.append(_CROCKFORD[index])
    return "".join(reversed(chars))


class Ids:
    """Monotonic, deterministic ids: the same sequence of calls gives the same ids."""

    # Three Crockford characters for each 15-bit value: a 60-bit counter is four lookups.
    _TRIPLES = [_crockford(value, 3) for value in range(1 << 15)]

    def __init__(self, seed: int):
        # A ULID is 26 characters: 10 for the 48-bit time, 16 for the 80 "random" bits,
        # here the seed (20 bits, 4 characters) and a counter (60 bits, 12 characters).
        self._head = _crockford(ID_EPOCH_MS, 10) + _crockford(seed & 0xFFFFF, 4)
        self._counter = 0

    def __call__(self, prefix: str) -> str:
        self._counter += 1
        c, t = self._counter, self._TRIPLES
        return (
            f"{prefix}_{self._head}{t[(c >> 45) & 0x7FFF]}{t[(c >> 30) & 0x7FFF]}"
            f"{t[(c >> 15) & 0x7FFF]}{t[c & 0x7FFF]}"
        )


@lru_cache(maxsize=65536)
def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A local (Vietnam) time on a day, as the aware UTC datetime the columns store."""
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM).astimezone(UTC)


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def write(session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows (all with the same keys) in batches; how many."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _postgres_write(connection, table, rows)
    return _sqlite_write(connection, table, rows)


def _postgres_write(connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    names = list(first)
    as_json = [i for i, name in enumerate(names) if isinstance(table.c[name].type, JSON)]
    getter = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    columns = ", ".join(f'"{name}"' for name in names)
    count = 0
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in _chain(first, iterator):
                values = list(getter(row))
                for index in as_json:
                    if values[index] is not None:
                        values[index] = json_text(values[index])
                copy.write_row(values)
                count += 1
    finally:
        cursor.close()
    return count


def _python_type(column_type) -> type | None:
    try:
        return column_type.python_type
    except NotImplementedError:
        return None


class RawJSON(str):
    """JSON text already serialised (a value many rows share): written as it is."""


_EMPTY = {"list": "[]", "dict": "{}"}


def json_text(value: Any) -> str:
    """What SQLAlchemy's JSON type stores (json.dumps), skipping the common empty values."""
    if isinstance(value, RawJSON):
        return value
    if not value and isinstance(value, list | dict):
        return _EMPTY[type(value).__name__]
    return json.dumps(value)


def _chain(first, rest):
    yield first
    yield from rest


def _sqlite_write(connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    names = list(first)
    converted = []
    for index, name in enumerate(names):
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            converted.append((index, json_text))
            continue
        process = column_type.bind_processor(connection.dialect)
        if process is not None:
            # Dates and times repeat (a commune decides all its reviews on one day): convert
            # each distinct value once.
            cached = _python_type(column_type) in (date, datetime, bool)
            converted.append((index, lru_cache(maxsize=65536)(process) if cached else process))
    getter = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    columns = ", ".join(f'"{name}"' for name in names)
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" for _ in names)})'
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA cache_size=-131072")  # 128 MB of page cache for the indexes
    cursor = driver.cursor()
    count = 0
    try:
        batch = [first]
        for row in iterator:
            batch.append(row)
            if len(batch) >= BATCH:
                count += _execute(cursor, sql, getter, converted, batch)
                batch = []
        count += _execute(cursor, sql, getter, converted, batch)
    finally:
        cursor.close()
    return count


def _execute(cursor, sql: str, getter, converted, batch: list[dict[str, Any]]) -> int:
    values = []
    for row in batch:
        value = list(getter(row))
        for index, process in converted:
            if value[index] is not None:
                value[index] = process(value[index])
        values.append(value)
    cursor.executemany(sql, values)
    return len(values)


class Weighted:
    """A weighted random pick (random.choices without its per-call set-up)."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


folded = lru_cache(maxsize=None)(fold)


class FastRandom(random.Random):
    """random.Random with cheaper randrange and choice (the demo draws millions of them);
    deterministic for a seed like its parent."""

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        if step == 1:
            return start + int(self.random() * (stop - start))
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]
