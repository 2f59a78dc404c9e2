"""Pure eligibility rules: a household's facts against a policy, with reason codes.

Reason codes (stable, for machines): ``status_<status>`` when the status qualifies,
``escaped_poverty_recent`` / ``escaped_near_poverty_recent`` when the household escaped within
the policy's window, ``escaped_poverty_too_long_ago`` / ``escaped_near_poverty_too_long_ago``,
``no_status_requirement``, ``status_not_eligible``, ``status_unclassified``, ``flag_<flag>``
and ``missing_flag_<flag>`` for required flags, ``household_archived``, ``policy_inactive``.
"""

from dataclasses import dataclass
from datetime import date

from api.models.agencies import DEFAULT_ESCAPED_WITHIN_YEARS


@dataclass(frozen=True)
class Facts:
    status: str
    status_since: date | None
    flags: dict[str, bool]
    archived: bool
    # transition ("escaped_poverty" | "escaped_near_poverty") -> the date it took effect
    escaped: dict[str, date]


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def evaluate(
    *,
    eligible_statuses: list[str],
    escaped_within_years: int | None,
    required_flags: list[str],
    is_active: bool,
    facts: Facts,
    today: date,
) -> tuple[bool, list[str]]:
    """Eligible or not, and why."""
    if facts.archived:
        return False, ["household_archived"]
    if not is_active:
        return False, ["policy_inactive"]
    reasons: list[str] = []
    status_ok = not eligible_statuses
    if status_ok:
        reasons.append("no_status_requirement")
    if facts.status in eligible_statuses:
        status_ok = True
        reasons.append(f"status_{facts.status}")
    window = escaped_within_years or DEFAULT_ESCAPED_WITHIN_YEARS
    for transition in ("escaped_poverty", "escaped_near_poverty"):
        if transition not in eligible_statuses or transition not in facts.escaped:
            continue
        if today <= years_after(facts.escaped[transition], window):
            status_ok = True
            reasons.append(f"{transition}_recent")
        else:
            reasons.append(f"{transition}_too_long_ago")
    if not status_ok:
        reasons.append(
            "status_unclassified" if facts.status == "unclassified" else "status_not_eligible"
        )
    flags_ok = True
    for flag in required_flags:
        if facts.flags.get(flag):
            reasons.append(f"flag_{flag}")
        else:
            flags_ok = False
            reasons.append(f"missing_flag_{flag}")
    return status_ok and flags_ok, reasons
