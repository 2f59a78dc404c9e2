"""Settings from the environment (prefix GIAMNGHEO_)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "change-me-development-only"


def default_sqlite_url() -> str:
    """The embedded default: a SQLite file under var/."""
    return f"sqlite:///{REPO_ROOT / 'var' / 'giamngheo.db'}"


class Settings(BaseSettings):
    """Every setting the service reads; one instance per app."""

    model_config = SettingsConfigDict(env_prefix="GIAMNGHEO_", extra="ignore")

    env: Literal["development", "test", "production"] = "production"
    database_url: str = ""
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    log_level: str = "INFO"
    cors_origins: Annotated[list[str], NoDecode] = []
    token_ttl_seconds: int = 8 * 3600
    idempotency_ttl_hours: int = 24
    # A request still "running" longer than this is taken as abandoned (crashed worker).
    idempotency_lock_seconds: int = 120
    max_body_bytes: int = 20 * 1024 * 1024
    # argon2 cost; tests lower it, production keeps the library's defaults.
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    secure_cookies: bool = False

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value):
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _defaults_and_secret(self):
        if not self.database_url:
            self.database_url = default_sqlite_url()
        if self.env != "development" and self.secret_key.get_secret_value() == DEFAULT_SECRET:
            raise ValueError(
                "GIAMNGHEO_SECRET_KEY is left at its default; set a long random value "
                "(or GIAMNGHEO_ENV=development for a local demo)"
            )
        if len(self.secret_key.get_secret_value()) < 16:
            raise ValueError("GIAMNGHEO_SECRET_KEY must be at least 16 characters")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()
