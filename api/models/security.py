"""Failed-login counters, kept in the database so every worker process sees the same ones."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from api.models.base import created_field, timestamp_field


class LoginThrottle(SQLModel, table=True):
    """Failures of one key (a username, or a client address) in the current window."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=128)
    failures: int = 0
    window_started_at: datetime = created_field()
    locked_until: datetime | None = timestamp_field()
    updated_at: datetime = created_field()
