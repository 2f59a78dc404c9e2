"""Display labels for the codes of reviews, needs, supports, visits and people (msgids)."""

from web.i18n import N_

ASSESSMENT_STATE = {
    "draft": N_("Draft"),
    "surveyed": N_("Surveyed"),
    "agreed": N_("Agreed at the hamlet meeting"),
    "posted": N_("Posted publicly"),
    "recognised": N_("Recognised"),
    "rejected": N_("Rejected"),
}
ASSESSMENT_KIND = {"periodic": N_("Annual review"), "adhoc": N_("Ad-hoc review")}
STEP = {
    "created": N_("Survey recorded"),
    "surveyed": N_("Survey completed"),
    "meeting": N_("Hamlet meeting"),
    "posted": N_("List posted"),
    "recognised": N_("Recognised by the commune"),
    "rejected": N_("Rejected"),
}
TRANSITION = {
    "newly_poor": N_("Newly poor"),
    "re_poor": N_("Fell back into poverty"),
    "remained_poor": N_("Still poor"),
    "escaped_poverty": N_("Escaped poverty"),
    "newly_near_poor": N_("Newly near-poor"),
    "remained_near_poor": N_("Still near-poor"),
    "escaped_near_poverty": N_("Escaped near-poverty"),
}
PURPOSE = {
    "survey": N_("Survey"),
    "advice": N_("Advice and encouragement"),
    "follow_up": N_("Follow-up"),
    "re_poverty_check": N_("Re-poverty check"),
    "support_delivery": N_("Support delivery"),
}
SHOCK = {
    "illness": N_("Serious illness"),
    "death_of_worker": N_("Death of a working member"),
    "disaster": N_("Natural disaster"),
    "fire": N_("Fire"),
    "crop_livestock_loss": N_("Crop or livestock loss"),
    "job_loss": N_("Job loss"),
}
INCOME_CHANGE = {
    "increased": N_("Increased"),
    "unchanged": N_("Unchanged"),
    "decreased": N_("Decreased"),
    "unknown": N_("Not known"),
}
RISK_RATING = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
NEED_STATUS = {"open": N_("Open"), "met": N_("Met"), "cancelled": N_("Cancelled")}
NEED_SOURCE = {
    "assessment": N_("From the review"),
    "officer": N_("Added by an officer"),
    "visit": N_("Found on a visit"),
}
CATEGORY = {
    "health": N_("Health"),
    "education": N_("Education"),
    "credit": N_("Preferential credit"),
    "housing": N_("Housing"),
    "land": N_("Residential and production land"),
    "water_sanitation": N_("Clean water and sanitation"),
    "information": N_("Information"),
    "legal_aid": N_("Legal aid"),
    "vocational_training": N_("Vocational training"),
    "jobs": N_("Jobs"),
    "labour_export": N_("Labour export"),
    "livelihood": N_("Livelihood and production"),
    "social_assistance": N_("Social assistance"),
    "electricity": N_("Electricity subsidy"),
    "social_mobilisation": N_("Social mobilisation"),
}
FUNDING_SOURCE = {
    "program_135": N_("Program 135"),
    "ntp_subproject": N_("National target program sub-project"),
    "state_budget": N_("State budget"),
    "policy_credit": N_("Social policy bank credit"),
    "local_budget": N_("Local budget"),
    "social_mobilisation": N_("Social mobilisation"),
}
SUPPORT_STATUS = {
    "planned": N_("Planned"),
    "delivered": N_("Delivered"),
    "cancelled": N_("Cancelled"),
    "repaid": N_("Repaid"),
    "overdue": N_("Overdue"),
}
ORGANISATION = {
    "commune_staff": N_("Commune staff"),
    "womens_union": N_("Women's Union"),
    "farmers_union": N_("Farmers' Union"),
    "youth_union": N_("Youth Union"),
    "veterans_association": N_("Veterans' Association"),
    "fatherland_front": N_("Fatherland Front"),
    "party_cell": N_("Party cell"),
    "well_off_household": N_("Well-off household"),
}
SPONSOR_KIND = {
    "well_off_household": N_("Well-off household"),
    "mass_organisation": N_("Mass organisation"),
    "business": N_("Business"),
    "philanthropist": N_("Philanthropist"),
}
SPONSORSHIP_MODEL = {
    "several_help_one": N_("Several sponsors help one household"),
    "one_sponsor": N_("One sponsor"),
}
EDUCATION = {
    "none": N_("No schooling"),
    "primary": N_("Primary"),
    "lower_secondary": N_("Lower secondary"),
    "upper_secondary": N_("Upper secondary"),
    "vocational": N_("Vocational"),
    "college": N_("College"),
    "university": N_("University"),
}
AREA = {"rural": N_("Rural"), "urban": N_("Urban")}
PROGRESS_STATUS = {
    "reached": N_("Reached"),
    "on_track": N_("On track"),
    "behind": N_("Behind"),
    "missed": N_("Missed"),
    "no_data": N_("No data"),
}
IMPORT_STATUS = {
    "valid": N_("The file is valid"),
    "invalid": N_("The file has errors"),
    "committed": N_("Imported"),
    "partial": N_("Partly imported"),
    "rejected": N_("Not imported"),
}
