"""All table classes: importing this package fills the one metadata Alembic compares."""

from api.models.assessments import Assessment, AssessmentStep, Need, StatusChange
from api.models.audit import AuditEntry
from api.models.events import Event
from api.models.households import Household, HouseholdMove, Member
from api.models.idempotency import IdempotencyRecord
from api.models.places import Place
from api.models.users import AuthToken, User, UserPlace

__all__ = [
    "Assessment",
    "AssessmentStep",
    "Need",
    "StatusChange",
    "AuditEntry",
    "AuthToken",
    "Event",
    "Household",
    "HouseholdMove",
    "IdempotencyRecord",
    "Member",
    "Place",
    "User",
    "UserPlace",
]
