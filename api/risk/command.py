"""`giamngheo refresh-risk`: the daily refresh of the time-based parts of the early warning."""

from datetime import date

from api.db import close_session, make_engine, plain_session_factory
from api.risk.service import BATCH_SIZE, household_ids_to_refresh, refresh_households


def refresh_risk(*, database_url: str, as_of: date | None = None) -> int:
    """Recompute every household's due date and risk, one short transaction per batch (so
    officers' writes are never held up for long); how many households changed visibly."""
    engine = make_engine(database_url)
    factory = plain_session_factory(engine)
    changed = 0
    try:
        session = factory(write=False)
        try:
            ids = household_ids_to_refresh(session)
        finally:
            close_session(session)
        for start in range(0, len(ids), BATCH_SIZE):
            session = factory(write=True)
            try:
                batch = ids[start : start + BATCH_SIZE]
                changed += refresh_households(session, household_ids=batch, as_of=as_of)
                session.commit()
            finally:
                close_session(session)
        return changed
    finally:
        engine.dispose()
