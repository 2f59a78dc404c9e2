"""The public shape of an early-warning reason."""

from pydantic import BaseModel, Field


class RiskReasonPublic(BaseModel):
    code: str = Field(description="time_since_escape, income_margin, shock:<kind>, …")
    points: int
    vi: str = Field(description="One plain sentence in Vietnamese")
    en: str = Field(description="The same sentence in English")
