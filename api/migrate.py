"""Running the Alembic migrations from code (CLI, start-up, tests)."""

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from api.settings import REPO_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url), revision)


def head_revisions() -> frozenset[str]:
    """The revision(s) the code expects the database at."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
