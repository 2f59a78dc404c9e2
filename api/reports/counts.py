"""The rows of the maintained report counts of some households, computed from their records.

Pure functions (records in, rows out), with the rules of the reports (api/reports/common.py):
- a household counts in year Y when registered by 31 December Y and not archived by then;
- its status in year Y is that of its latest recognised change of a year up to Y, in the
  order year, effective date, recognition time, id;
- a transition of year Y counts the household once, however many changes of that kind it had.

Statuses are kept as spans of years (`year_from`…`year_to`, open-ended when NULL), so a year
nobody reviewed, or one after the last review, needs no rows of its own.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from api.core.dates import VIETNAM
from api.reports.common import ESCAPES

NO_STATUS = ("", False, 0)  # status, without labour capacity, change year: never reviewed
FOLLOWED_STATUSES = ("poor", "near_poor")


@dataclass(frozen=True)
class HouseholdFacts:
    id: str
    place_id: str
    place_path: str
    commune_id: str
    ethnicity: str
    registered_on: date
    archived_at: datetime | None


@dataclass(frozen=True)
class ChangeFacts:
    household_id: str
    year: int
    effective_date: date
    recognised_at: datetime
    id: str
    new_status: str
    transition: str | None
    without_labour_capacity: bool

    def order(self) -> tuple:
        return (self.year, self.effective_date, self.recognised_at, self.id)


def active_years(household: HouseholdFacts) -> tuple[int, int | None]:
    """First and last year (None: still on the register) the household counts in."""
    last = None
    if household.archived_at is not None:
        # Archived on or before 31 December of a year (Vietnam time): gone that year.
        last = household.archived_at.astimezone(VIETNAM).year - 1
    return household.registered_on.year, last


def counted_spans(
    household: HouseholdFacts, changes: list[ChangeFacts]
) -> list[tuple[int, int | None, ChangeFacts | None]]:
    """(first year, last year or None, the change giving its status or None before any) of
    the years the household counts in, in year order."""
    first, last = active_years(household)
    starts: list[tuple[int | None, ChangeFacts | None]] = [(None, None)]
    for change in sorted(changes, key=ChangeFacts.order):
        if starts[-1][0] == change.year:
            starts[-1] = (change.year, change)  # a later change of the same year wins
        else:
            starts.append((change.year, change))
    spans = []
    for index, (start, change) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else None
        low = first if start is None else max(start, first)
        high = end if last is None else (last if end is None else min(end, last))
        if high is None or high >= low:
            spans.append((low, high, change))
    return spans


def status_rows(
    households: Iterable[HouseholdFacts], changes: Iterable[ChangeFacts]
) -> list[dict[str, Any]]:
    """Rows of report_status_counts: households per place, ethnicity and status, by span."""
    by_household = _by_household(changes)
    places: dict[str, HouseholdFacts] = {}
    # Per key, +1 in the year a household starts counting, -1 the year after it stops.
    deltas: dict[tuple, Counter] = defaultdict(Counter)
    for household in households:
        places.setdefault(household.place_id, household)
        for low, high, change in counted_spans(household, by_household.get(household.id, [])):
            state = (
                NO_STATUS
                if change is None
                else (change.new_status, change.without_labour_capacity, change.year)
            )
            counter = deltas[(household.place_id, household.ethnicity, *state)]
            counter[low] += 1
            if high is not None:
                counter[high + 1] -= 1
    rows = []
    for (place_id, ethnicity, status, without_labour, change_year), counter in deltas.items():
        where = places[place_id]
        years = sorted(year for year, delta in counter.items() if delta)
        running = 0
        for index, year in enumerate(years):
            running += counter[year]
            if running:
                rows.append(
                    {
                        "place_id": place_id,
                        "ethnicity": ethnicity,
                        "status": status,
                        "without_labour_capacity": without_labour,
                        "change_year": change_year,
                        "year_from": year,
                        "year_to": years[index + 1] - 1 if index + 1 < len(years) else None,
                        "place_path": where.place_path,
                        "commune_id": where.commune_id,
                        "households": running,
                    }
                )
    return rows


def followed_rows(
    households: Iterable[HouseholdFacts], changes: Iterable[ChangeFacts]
) -> list[dict[str, Any]]:
    """Rows of report_followed_households: the spans of years in which a household on the
    register is poor or near-poor, or its latest change is an escape (the households the
    coverage reports follow), one row per household and span."""
    by_household = _by_household(changes)
    rows = []
    for household in households:
        for low, high, change in counted_spans(household, by_household.get(household.id, [])):
            if change is None or not (
                change.new_status in FOLLOWED_STATUSES or change.transition in ESCAPES
            ):
                continue
            rows.append(
                {
                    "household_id": household.id,
                    "year_from": low,
                    "year_to": high,
                    "status": change.new_status,
                    "transition": change.transition,
                    "change_year": change.year,
                    "place_id": household.place_id,
                    "place_path": household.place_path,
                }
            )
    return rows


def transition_rows(
    households: Iterable[HouseholdFacts], changes: Iterable[ChangeFacts]
) -> list[dict[str, Any]]:
    """Rows of report_transition_counts: households per place, ethnicity, year and
    transition, archived households included (a transition happened whatever came after)."""
    by_id = {household.id: household for household in households}
    seen = {
        (change.household_id, change.year, change.transition)
        for change in changes
        if change.transition and change.household_id in by_id
    }
    counts: Counter = Counter()
    places: dict[str, HouseholdFacts] = {}
    for household_id, year, transition in seen:
        household = by_id[household_id]
        places.setdefault(household.place_id, household)
        counts[(household.place_id, household.ethnicity, year, transition)] += 1
    return [
        {
            "place_id": place_id,
            "ethnicity": ethnicity,
            "year": year,
            "transition": transition,
            "place_path": places[place_id].place_path,
            "commune_id": places[place_id].commune_id,
            "households": count,
        }
        for (place_id, ethnicity, year, transition), count in counts.items()
    ]


def _by_household(changes: Iterable[ChangeFacts]) -> dict[str, list[ChangeFacts]]:
    grouped: dict[str, list[ChangeFacts]] = defaultdict(list)
    for change in changes:
        grouped[change.household_id].append(change)
    return grouped
