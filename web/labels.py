"""Display labels for the API's codes (msgids, translated when rendered)."""

from web.i18n import N_
from web.labels_field import (
    AREA,
    ASSESSMENT_KIND,
    ASSESSMENT_STATE,
    CATEGORY,
    EDUCATION,
    FUNDING_SOURCE,
    IMPORT_STATUS,
    INCOME_CHANGE,
    NEED_SOURCE,
    NEED_STATUS,
    ORGANISATION,
    PROGRESS_STATUS,
    PURPOSE,
    RISK_RATING,
    SHOCK,
    SPONSOR_KIND,
    SPONSORSHIP_MODEL,
    STEP,
    SUPPORT_STATUS,
    TRANSITION,
)

HOUSEHOLD_STATUS = {
    "unclassified": N_("Not yet classified"),
    "poor": N_("Poor"),
    "near_poor": N_("Near-poor"),
    "average": N_("Average living standard"),
    "not_poor": N_("Not poor"),
}
GENDER = {"male": N_("Male"), "female": N_("Female"), "other": N_("Other")}
RELATION = {
    "head": N_("Head of household"),
    "spouse": N_("Spouse"),
    "child": N_("Child"),
    "parent": N_("Parent"),
    "grandchild": N_("Grandchild"),
    "sibling": N_("Sibling"),
    "other": N_("Other relation"),
}
PLACE_LEVEL = {
    "province": N_("Province"),
    "district": N_("District"),
    "commune": N_("Commune"),
    "ward": N_("Ward"),
    "town": N_("Town"),
    "hamlet": N_("Hamlet"),
    "quarter": N_("Quarter"),
}
ROLE = {
    "admin": N_("Administrator"),
    "commune_officer": N_("Commune officer"),
    "auditor": N_("Auditor"),
    "agency": N_("Agency"),
}
AGENCY_KIND = {
    "social_policy_bank": N_("Social policy bank"),
    "health": N_("Health office"),
    "social_security": N_("Social security"),
    "education": N_("Education office"),
    "labour": N_("Labour office"),
    "agriculture": N_("Agriculture office"),
    "construction": N_("Construction office"),
    "natural_resources": N_("Natural resources office"),
    "culture_information": N_("Culture and information office"),
    "legal_aid": N_("Legal aid centre"),
    "fatherland_front": N_("Fatherland Front"),
    "mass_organisation": N_("Mass organisation"),
    "commune": N_("Commune"),
    "other": N_("Other"),
}
POLICY_UNIT = {
    "vnd": N_("Money (VND)"),
    "card": N_("Card"),
    "course": N_("Course"),
    "loan": N_("Loan"),
    "item": N_("Item"),
}
ELIGIBLE_STATUS = {
    "poor": N_("Poor"),
    "near_poor": N_("Near-poor"),
    "escaped_poverty": N_("Escaped poverty"),
    "escaped_near_poverty": N_("Escaped near-poverty"),
    "average": N_("Average living standard"),
    "not_poor": N_("Not poor"),
}
SCOPE = {
    "policies:read": N_("Read its own policies"),
    "policies:write": N_("Create and change its own policies"),
    "supports:read": N_("Read the supports it recorded"),
    "supports:write": N_("Record supports, one by one or in bulk"),
    "eligibility:read": N_("Read a household's status and eligibility for its policies"),
    "citizens:lookup": N_("Find a household's eligibility by a citizen ID"),
    "events:read": N_("Read the change feed"),
    "webhooks:write": N_("Manage its webhooks"),
    "keys:write": N_("Create and revoke its own keys"),
}
YES_NO_UNKNOWN = {"yes": N_("Yes"), "no": N_("No"), "": N_("Unknown")}

LABEL_SETS = {
    "status": HOUSEHOLD_STATUS,
    "gender": GENDER,
    "relation": RELATION,
    "level": PLACE_LEVEL,
    "role": ROLE,
    "state": ASSESSMENT_STATE,
    "assessment_kind": ASSESSMENT_KIND,
    "step": STEP,
    "transition": TRANSITION,
    "purpose": PURPOSE,
    "shock": SHOCK,
    "income_change": INCOME_CHANGE,
    "risk_rating": RISK_RATING,
    "need_status": NEED_STATUS,
    "need_source": NEED_SOURCE,
    "category": CATEGORY,
    "funding_source": FUNDING_SOURCE,
    "support_status": SUPPORT_STATUS,
    "organisation": ORGANISATION,
    "sponsor_kind": SPONSOR_KIND,
    "sponsorship_model": SPONSORSHIP_MODEL,
    "education": EDUCATION,
    "area": AREA,
    "agency_kind": AGENCY_KIND,
    "unit": POLICY_UNIT,
    "eligible_status": ELIGIBLE_STATUS,
    "scope": SCOPE,
    "progress": PROGRESS_STATUS,
    "import_status": IMPORT_STATUS,
}


def label_msgid(kind: str, code: str | None) -> str | None:
    """The msgid for ``code`` in the ``kind`` set, or None for a code the web doesn't know."""
    if code is None:
        return None
    return LABEL_SETS[kind].get(code)
