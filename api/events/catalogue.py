"""The event types of the change feed and webhooks, with what their thin data holds.

Every type a service appends must be listed here (a test checks it): webhook subscriptions
are validated against this list.
"""

EVENT_TYPES: dict[str, str] = {
    "household.created": "household_id, code, commune_id",
    "household.updated": "household_id, changed (field names)",
    "household.archived": "household_id",
    "household.restored": "household_id (an archived household is back on the register)",
    "household.status_changed": "household_id, from, to, transition",
    "assessment.recognised": "assessment_id, household_id, year, classification",
    "support.recorded": "support_id, household_id, policy_id, policy_code, category, status, …",
    "support.updated": "the same as support.recorded, with changed (field names)",
    "visit.recorded": "visit_id, household_id",
    "need.opened": "need_id, household_id, category",
    "need.met": "need_id, household_id, category, support_id (when a support met it)",
    "need.cancelled": "need_id, household_id, category",
    "person.created": "person_id, organisation",
    "person.updated": "person_id, changed",
    "assignment.changed": "the household and the person in charge (ids)",
    "assignment.ended": "the household and the person in charge (ids)",
    "sponsor.created": "sponsor_id, kind",
    "sponsor.updated": "sponsor_id, changed",
    "sponsorship.created": "sponsorship_id, sponsor_id, household_id",
    "sponsorship.updated": "sponsorship_id, changed",
    "sponsorship.contribution_recorded": "sponsorship_id, support_id",
    "agency.created": "agency_id, code",
    "agency.updated": "agency_id, changed",
    "api_key.created": "agency_id, key_id, prefix, scopes",
    "api_key.revoked": "agency_id, key_id, prefix",
    "policy.created": "policy_id, agency_id, code, category",
    "policy.updated": "policy_id, agency_id, code, changed",
    "webhook_endpoint.created": "endpoint_id, agency_id",
    "webhook_endpoint.updated": "endpoint_id, agency_id, changed",
    "webhook_endpoint.deleted": "endpoint_id, agency_id",
    "webhook_endpoint.disabled": "endpoint_id, agency_id, reason",
}
# Sent only to one endpoint on request (POST /webhooks/{id}/test); never in the feed.
TEST_EVENT = "webhook.test"


def known_pattern(pattern: str) -> bool:
    """An exact type, "*" (everything) or "prefix.*" naming at least one type."""
    if pattern == "*" or pattern in EVENT_TYPES:
        return True
    if pattern.endswith(".*"):
        return any(t.startswith(pattern[:-1]) for t in EVENT_TYPES)
    return False


def matches(patterns: list[str], event_type: str) -> bool:
    """True when an event type is one of the patterns an endpoint subscribed to."""
    for pattern in patterns:
        if pattern in ("*", event_type):
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False
