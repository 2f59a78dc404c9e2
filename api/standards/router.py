"""/api/v1/standards and /api/v1/classify: the poverty standards and a stateless preview."""

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentPrincipal
from api.errors import ValidationFailed
from api.standards import classify, get_standard, load_standards, standard_for_year

router = APIRouter(tags=["standards"])


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    standard: str | None = Field(default=None, max_length=16)
    year: int | None = Field(default=None, ge=2000, le=2100)
    area: Literal["rural", "urban"]
    income_per_capita: int | None = Field(default=None, ge=0, le=10**10)
    b1_score: int | None = Field(default=None, ge=0, le=1000)
    deprivations: list[str] | None = Field(default=None, max_length=20)
    b2_score: int | None = Field(default=None, ge=0, le=200)


def _summary(standard) -> dict[str, Any]:
    return {
        "code": standard.code,
        "title_vi": standard.title_vi,
        "title_en": standard.title_en,
        "years": {"first": standard.years[0], "last": standard.years[1]},
        "provisional": standard.provisional,
        "source": standard.source,
    }


@router.get("/standards")
def list_standards(principal: CurrentPrincipal) -> dict[str, Any]:
    """Every poverty standard, oldest period first."""
    return {"items": [_summary(s) for s in load_standards().values()]}


@router.get("/standards/{code}")
def read_standard(code: str, principal: CurrentPrincipal) -> dict[str, Any]:
    """A standard with its lines, rule, indicators and each value's source and verified flag."""
    return get_standard(code).to_public()


@router.post("/classify")
def classify_preview(data: ClassifyRequest, principal: CurrentPrincipal) -> dict[str, Any]:
    """Classify without saving anything (the assessment form's live preview, agencies' checks)."""
    if data.standard is None and data.year is None:
        raise ValidationFailed("Give a standard or a year.", pointer="/standard")
    standard = get_standard(data.standard) if data.standard else standard_for_year(data.year)
    if data.year is not None and not standard.covers(data.year):
        raise ValidationFailed(
            f"{standard.code} applies to {standard.years[0]}-{standard.years[1]}.",
            pointer="/year",
        )
    result = classify(
        standard=standard,
        area=data.area,
        income_per_capita=data.income_per_capita,
        deprivations=data.deprivations,
        b1_score=data.b1_score,
        b2_score=data.b2_score,
    )
    return result.to_public()
