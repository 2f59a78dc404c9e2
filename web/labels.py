"""Display labels for the API's codes (msgids, translated when rendered)."""

from web.i18n import N_

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
YES_NO_UNKNOWN = {"yes": N_("Yes"), "no": N_("No"), "": N_("Unknown")}

LABEL_SETS = {
    "status": HOUSEHOLD_STATUS,
    "gender": GENDER,
    "relation": RELATION,
    "level": PLACE_LEVEL,
    "role": ROLE,
}


def label_msgid(kind: str, code: str | None) -> str | None:
    """The msgid for ``code`` in the ``kind`` set, or None for a code the web doesn't know."""
    if code is None:
        return None
    return LABEL_SETS[kind].get(code)
