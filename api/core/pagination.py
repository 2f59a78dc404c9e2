"""Keyset (cursor) pagination with an opaque page token and an RFC 8288 Link header."""

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Query, Request, Response
from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from api.errors import BadRequest

MAX_PAGE_SIZE = 500


@dataclass
class PageParams:
    page_size: int
    page_token: str | None
    with_total: bool


async def page_params(  # async: no I/O, so no thread-pool hand-over
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE, description="Items per page (max 500)"),
    page_token: str | None = Query(None, max_length=2000, description="Opaque cursor"),
    total: bool = Query(False, description="Also count all matching items (slower)"),
) -> PageParams:
    return PageParams(page_size=page_size, page_token=page_token, with_total=total)


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, size: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # RecursionError: a forged token of deeply nested brackets ("[[[[…").
        raise BadRequest("page_token is not a token this API issued.") from exc
    if not isinstance(values, list) or len(values) != size:
        raise BadRequest("page_token is not a token this API issued.")
    return values


def _python_type(column) -> type | tuple[type, ...]:
    sql_type = getattr(column.type, "impl_instance", column.type)  # see through decorators
    try:
        return sql_type.python_type
    except NotImplementedError:  # an expression of no known type: any plain scalar
        return (str, int, float)


def _typed(order: list[tuple[Any, bool]], values: list[Any]) -> list[Any]:
    """Token values as their columns' types: a forged token is a 400, never a database error."""
    typed = []
    for (column, _), value in zip(order, values, strict=True):
        kind = _python_type(column)
        try:
            if kind in (date, datetime):
                value = kind.fromisoformat(value)
        except (TypeError, ValueError) as exc:
            raise BadRequest("page_token is not a token this API issued.") from exc
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise BadRequest("page_token is not a token this API issued.")
        if kind is int and not -(2**63) <= value < 2**63:  # SQLite cannot even bind it
            raise BadRequest("page_token is not a token this API issued.")
        typed.append(value)
    return typed


def _after(order: list[tuple[Any, bool]], values: list[Any]):
    """Rows strictly after `values` in the (column, descending) order, as OR of ANDs."""
    clauses = []
    for i, (column, descending) in enumerate(order):
        equal = [order[j][0] == values[j] for j in range(i)]
        step = column < values[i] if descending else column > values[i]
        clauses.append(and_(*equal, step))
    return or_(*clauses)


def paginate(
    session: Session,
    stmt: Select,
    *,
    order: list[tuple[Any, bool]],
    params: PageParams,
    request: Request,
    response: Response,
    key=None,
) -> dict[str, Any]:
    """One page of `stmt`; `order` must end in a unique column; `key` reads a row's values."""
    total = None
    if params.with_total:
        total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    if params.page_token:
        values = _typed(order, _decode(params.page_token, len(order)))
        stmt = stmt.where(_after(order, values))
    stmt = stmt.order_by(*[col.desc() if desc else col.asc() for col, desc in order])
    rows = list(session.exec(stmt.limit(params.page_size + 1)))
    next_token = None
    if len(rows) > params.page_size:
        rows = rows[: params.page_size]
        last = rows[-1]
        values = key(last) if key else [getattr(last, col.key) for col, _ in order]
        next_token = _encode(values)
        next_url = request.url.include_query_params(page_token=next_token)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    page: dict[str, Any] = {"items": rows, "next_page_token": next_token}
    if total is not None:
        page["total"] = total
    return page
