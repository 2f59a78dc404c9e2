"""Liveness (/healthz) and readiness (/readyz: database reachable, migrations at head)."""

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz():
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request):
    """Ready when the database answers and its schema is at the code's migration head."""
    engine = request.app.state.engine
    heads = request.app.state.migration_heads
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    if current != heads:
        return JSONResponse(
            {
                "status": "unavailable",
                "database": "ok",
                "migration": sorted(current),
                "expected": sorted(heads),
            },
            503,
        )
    return {"status": "ok", "database": "ok", "migration": sorted(current)}
