"""All table classes: importing this package fills the one metadata Alembic compares."""

from api.models.agencies import Agency, AgencyPlace, ApiKey, Policy
from api.models.assessments import Assessment, AssessmentStep, Need, StatusChange
from api.models.audit import AuditEntry
from api.models.duplicates import DuplicateDismissal
from api.models.events import Event
from api.models.households import Household, HouseholdMove, Member
from api.models.idempotency import IdempotencyRecord
from api.models.imports import ImportJob
from api.models.people import Assignment, Person
from api.models.places import Place
from api.models.proposals import Proposal, ProposalSubmission
from api.models.reports import (
    ReportFollowedHousehold,
    ReportStatusCount,
    ReportTransitionCount,
    Target,
)
from api.models.security import LoginThrottle
from api.models.sponsors import (
    Sponsor,
    Sponsorship,
    SponsorshipContribution,
    SponsorshipPledge,
)
from api.models.supports import Support
from api.models.users import AuthToken, User, UserPlace
from api.models.visits import Visit
from api.models.webhooks import WebhookCursor, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Agency",
    "AgencyPlace",
    "ApiKey",
    "Policy",
    "Support",
    "WebhookCursor",
    "WebhookDelivery",
    "WebhookEndpoint",
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
    "LoginThrottle",
    "Member",
    "Place",
    "User",
    "UserPlace",
    "Assignment",
    "Person",
    "Sponsor",
    "Sponsorship",
    "SponsorshipContribution",
    "SponsorshipPledge",
    "Visit",
    # Reports, proposals, imports and duplicates (issue 6).
    "DuplicateDismissal",
    "ImportJob",
    "ReportFollowedHousehold",
    "ReportStatusCount",
    "ReportTransitionCount",
    "Proposal",
    "ProposalSubmission",
    "Target",
]
