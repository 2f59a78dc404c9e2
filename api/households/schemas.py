"""Request and response shapes of /api/v1/households and its members."""

from datetime import date, datetime
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from api.core.dates import today_in_vietnam
from api.core.validation import (
    MultiLineTextOrNone,
    NameText,
    NameTextOrNone,
    SingleLineTextOrNone,
    invalid,
)
from api.households.citizen_id import citizen_id_problem
from api.households.ethnicities import ETHNICITY_CODES
from api.risk.schemas import RiskReasonPublic

Gender = Literal["male", "female", "other"]
Relation = Literal["head", "spouse", "child", "parent", "grandchild", "sibling", "other"]
EducationLevel = Literal[
    "none", "primary", "lower_secondary", "upper_secondary", "vocational", "college", "university"
]
HouseholdStatus = Literal["unclassified", "poor", "near_poor", "average", "not_poor"]

CODE_PATTERN = r"^[A-Za-z0-9._/-]+$"
PHONE_PATTERN = r"^\+?[0-9 .-]{8,20}$"
# An edit may send back the masked number it read (091****678): that means "unchanged".
PHONE_OR_MASKED_PATTERN = r"^\+?[0-9 .*-]{8,20}$"
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _known_ethnicity(value: str | None) -> str | None:
    if value is not None and value not in ETHNICITY_CODES:
        raise invalid("unknown_ethnicity", "unknown ethnicity code (see GET /api/v1/ethnicities)")
    return value


# The register starts with the twentieth century, like birth years (a typo guard).
EARLIEST_REGISTRATION = date(1900, 1, 1)


def _registered_in_range(value: date | None) -> date | None:
    if value is not None and value > today_in_vietnam():
        raise invalid("registered_on_in_future", "registered_on is in the future")
    if value is not None and value < EARLIEST_REGISTRATION:
        raise invalid("registered_on_too_early", "registered_on is before 1900-01-01")
    return value


def _birth_year_not_future(value: int | None) -> int | None:
    if value is not None and value > today_in_vietnam().year:
        raise invalid("birth_year_in_future", "birth year is in the future")
    return value


class MemberFields(BaseModel):
    model_config = STRICT

    full_name: NameText = Field(min_length=1, max_length=200)
    gender: Gender
    birth_year: int = Field(ge=1900)
    relation: Relation
    ethnicity: str | None = Field(default=None, max_length=32)
    citizen_id: str | None = Field(default=None, max_length=12)
    education_level: EducationLevel | None = None
    in_school: bool | None = None
    has_health_insurance: bool | None = None
    can_work: bool | None = None
    disability: bool | None = None

    _ethnicity = field_validator("ethnicity")(_known_ethnicity)
    _year = field_validator("birth_year")(_birth_year_not_future)

    @field_validator("citizen_id")
    @classmethod
    def _valid_citizen_id(cls, value: str | None, info: ValidationInfo):
        # Declared after gender and birth_year, so both are in info.data when valid.
        # An empty string is checked too: stored, it would collide with the next empty one.
        if value is not None:
            problem = citizen_id_problem(
                value, birth_year=info.data.get("birth_year"), gender=info.data.get("gender")
            )
            if problem:
                raise invalid("invalid_citizen_id", problem)
        return value


class MemberCreate(MemberFields):
    pass


class MemberUpdate(BaseModel):
    model_config = STRICT

    full_name: NameTextOrNone = Field(default=None, min_length=1, max_length=200)
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1900)
    relation: Relation | None = None
    ethnicity: str | None = Field(default=None, max_length=32)
    citizen_id: str | None = Field(default=None, max_length=12)
    education_level: EducationLevel | None = None
    in_school: bool | None = None
    has_health_insurance: bool | None = None
    can_work: bool | None = None
    disability: bool | None = None
    left_on: date | None = None
    left_reason: SingleLineTextOrNone = Field(default=None, max_length=300)

    _ethnicity = field_validator("ethnicity")(_known_ethnicity)
    _year = field_validator("birth_year")(_birth_year_not_future)


class MemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    household_id: str
    full_name: str
    gender: Gender
    birth_year: int
    relation: Relation
    ethnicity: str | None
    citizen_id: str | None = Field(description="Masked (last 4 digits) unless revealed")
    education_level: EducationLevel | None
    in_school: bool | None
    has_health_insurance: bool | None
    can_work: bool | None
    disability: bool | None
    left_on: date | None
    left_reason: str | None
    created_at: datetime
    updated_at: datetime


class HouseholdCreate(BaseModel):
    model_config = STRICT

    code: str = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
    place_id: str = Field(max_length=32)
    head_name: NameText = Field(min_length=1, max_length=200)
    ethnicity: str = Field(max_length=32)
    address: SingleLineTextOrNone = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    meritorious_service: bool = False
    social_protection: bool = False
    notes: MultiLineTextOrNone = Field(default=None, max_length=2000)
    registered_on: date = Field(
        default_factory=today_in_vietnam,
        description="First day on the register (reports count the household from its year)",
    )
    members: list[MemberCreate] = Field(default_factory=list, max_length=40)

    _ethnicity = field_validator("ethnicity")(_known_ethnicity)
    _registered = field_validator("registered_on")(_registered_in_range)

    @field_validator("members")
    @classmethod
    def _one_head(cls, members: list[MemberCreate]):
        if sum(1 for m in members if m.relation == "head") > 1:
            raise invalid(
                "duplicate_head", "a household has at most one member with relation 'head'"
            )
        ids = [m.citizen_id for m in members if m.citizen_id]
        if len(ids) != len(set(ids)):
            raise invalid("duplicate_citizen_id", "two members have the same citizen_id")
        return members


class HouseholdUpdate(BaseModel):
    model_config = STRICT

    code: str | None = Field(default=None, min_length=1, max_length=32, pattern=CODE_PATTERN)
    place_id: str | None = Field(default=None, max_length=32)
    move_reason: SingleLineTextOrNone = Field(default=None, max_length=300)
    head_name: NameTextOrNone = Field(default=None, min_length=1, max_length=200)
    ethnicity: str | None = Field(default=None, max_length=32)
    address: SingleLineTextOrNone = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_OR_MASKED_PATTERN)
    meritorious_service: bool | None = None
    social_protection: bool | None = None
    notes: MultiLineTextOrNone = Field(default=None, max_length=2000)
    registered_on: date | None = None

    _ethnicity = field_validator("ethnicity")(_known_ethnicity)
    _registered = field_validator("registered_on")(_registered_in_range)

    @field_validator("code", "place_id", "head_name", "ethnicity", "registered_on")
    @classmethod
    def _required_stay_set(cls, value: str | None):
        # Runs only for fields sent; a field validator so the error points at the field.
        if value is None:
            raise invalid("not_nullable", "cannot be null")
        return value


class HouseholdPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    place_id: str
    commune_id: str
    head_name: str
    ethnicity: str
    ethnic_minority: bool
    address: str | None
    phone: str | None
    status: HouseholdStatus
    status_since: date | None
    without_labour_capacity: bool
    meritorious_service: bool
    social_protection: bool
    notes: str | None
    archived: bool
    archived_at: datetime | None
    archived_reason: str | None
    registered_on: date
    merged_into_id: str | None = Field(
        default=None, description="Set when this household was merged into another as its duplicate"
    )
    risk_score: int | None = Field(
        default=None,
        description="Re-poverty early warning, 0-100; null for a household not watched "
        "(only near-poor households and those that escaped are)",
    )
    risk_reasons: list[RiskReasonPublic] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class HouseholdMovePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_place_id: str
    to_place_id: str
    moved_at: datetime
    reason: str | None


class HouseholdDetail(HouseholdPublic):
    members: list[MemberPublic]
    moves: list[HouseholdMovePublic]


class HouseholdPage(BaseModel):
    items: list[HouseholdPublic]
    next_page_token: str | None
    total: int | None = None


class MemberPage(BaseModel):
    items: list[MemberPublic]
    next_page_token: str | None = None


class EthnicityPublic(BaseModel):
    code: str
    name_vi: str
    name_en: str
    ethnic_minority: bool


class EthnicityList(BaseModel):
    items: list[EthnicityPublic]
