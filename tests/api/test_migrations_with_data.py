"""Upgrading a database that already holds households (SQLite rebuilds tables in batch mode)."""

from sqlalchemy import create_engine, text

from api.migrate import upgrade
from tests.api.test_migrations import throwaway_database

ROWS_AT_0001 = [
    "INSERT INTO places (id, code, name, name_search, level, parent_id, path, area, created_at,"
    " updated_at, version) VALUES ('pl_c', 'C1', 'Hòa Ân', 'hoa an', 'commune', NULL,"
    " '/pl_c/', 'rural', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
    "INSERT INTO households (id, code, commune_id, place_id, place_path, head_name, ethnicity,"
    " status, meritorious_service, social_protection, search_text, created_at, updated_at,"
    " version) VALUES ('hh_1', 'HA-1', 'pl_c', 'pl_c', '/pl_c/', 'Thạch Sa Rinh', 'khmer',"
    " 'unclassified', false, false, 'ha-1 thach sa rinh', '2026-01-01 00:00:00',"
    " '2026-01-01 00:00:00', 1)",
    "INSERT INTO members (id, household_id, full_name, gender, birth_year, relation,"
    " created_at, updated_at, version) VALUES ('mb_1', 'hh_1', 'Thạch Sa Rinh', 'female',"
    " 1980, 'head', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
]


def test_upgrade_keeps_existing_households(database_url, tmp_path):
    for url in throwaway_database(database_url, tmp_path):
        upgrade(url, "0001")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                for statement in ROWS_AT_0001:
                    conn.execute(text(statement))
            upgrade(url)
            with engine.connect() as conn:
                household = conn.execute(
                    text("SELECT code, status, without_labour_capacity FROM households")
                ).one()
                registered = conn.execute(text("SELECT registered_on FROM households")).scalar()
                counted = conn.execute(
                    text("SELECT year_from, year_to, households FROM report_status_counts")
                ).all()
                members = conn.execute(text("SELECT count(*) FROM members")).scalar_one()
        finally:
            engine.dispose()
        assert tuple(household) == ("HA-1", "unclassified", False)
        assert members == 1
        # Registered the day it was created (never year 0), and counted by the reports.
        assert str(registered) == "2026-01-01"
        assert [tuple(row) for row in counted] == [(2026, None, 1)]
