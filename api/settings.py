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
    # Web sessions shared by the worker processes of one host (empty: in memory, one process).
    web_session_file: str = str(REPO_ROOT / "var" / "web-sessions.db")
    # Member agencies (issue 4): API keys, bulk supports, the change feed and webhooks.
    agency_max_live_keys: int = 2
    bulk_max_items: int = 10_000
    events_retention_days: int = 30
    # None: the webhook worker runs in the app's lifespan unless env is "test".
    webhook_worker_enabled: bool | None = None
    webhook_poll_seconds: float = 1.0
    webhook_timeout_seconds: float = 10.0
    webhook_concurrency: int = 8
    webhook_max_attempts: int = 12
    webhook_backoff_base_seconds: float = 5.0
    webhook_backoff_max_seconds: float = 6 * 3600
    # An endpoint is disabled after this many failed attempts in a row spanning this long.
    webhook_disable_after_failures: int = 20
    webhook_disable_after_seconds: int = 24 * 3600
    webhook_allow_private_networks: bool = False
    # Issue 8. Logins: after login_max_failures wrong passwords for one username within the
    # window, that username is locked for login_lockout_seconds (429 + Retry-After), whether
    # or not it exists; one client address gets login_max_failures_per_address.
    login_max_failures: int = 5
    login_max_failures_per_address: int = 50
    login_failure_window_seconds: int = 15 * 60
    login_lockout_seconds: int = 15 * 60
    # Agency API keys: a token bucket per key and per worker process (429 + Retry-After).
    api_key_rate_per_minute: int = 1200
    api_key_burst: int = 200
    # Who is behind a token or key is cached per process this long: a revocation or
    # deactivation reaches the other worker processes within it (at once in its own); 0: off.
    principal_cache_seconds: float = 5.0
    # Retention (`giamngheo purge`): audit rows, spent tokens and login counters; events use
    # events_retention_days and Idempotency-Key answers idempotency_ttl_hours.
    audit_retention_days: int = 5 * 365
    token_retention_days: int = 30
    # Logs: one JSON object per line ("text" for a terminal).
    log_format: Literal["json", "text"] = "json"
    # /metrics: open (aggregates only) unless a token is set; then Bearer <token>.
    metrics_token: SecretStr | None = None

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
