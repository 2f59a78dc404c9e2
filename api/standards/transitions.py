"""Pure yearly transitions between recognised statuses: the categories an annual report counts.

| transition             | new status                 | previous status / earlier history       |
|------------------------|----------------------------|-----------------------------------------|
| `newly_poor`           | poor                       | never poor before (or no history)       |
| `re_poor`              | poor                       | not poor last time, but poor some year  |
|                        |                            | before that: it had escaped (tái nghèo) |
| `remained_poor`        | poor                       | poor                                    |
| `escaped_poverty`      | near_poor/average/not_poor | poor                                    |
| `newly_near_poor`      | near_poor                  | average, not_poor, or no history        |
| `remained_near_poor`   | near_poor                  | near_poor                               |
| `escaped_near_poverty` | average, not_poor          | near_poor                               |
| None                   | average, not_poor          | average, not_poor, or no history        |

"Previous" is the last entry of the history: the status recognised at the latest earlier
review. A poor household that becomes near-poor counts as escaped poverty, not newly
near-poor, as in the annual report (hộ thoát nghèo).
"""

from collections.abc import Sequence

from api.standards.engine import CLASSIFICATIONS, InvalidInput

TRANSITIONS = (
    "newly_poor",
    "re_poor",
    "remained_poor",
    "escaped_poverty",
    "newly_near_poor",
    "remained_near_poor",
    "escaped_near_poverty",
)


def _check_status(status: object, pointer: str) -> str:
    if status not in CLASSIFICATIONS:
        message = f"Status must be one of {', '.join(CLASSIFICATIONS)}; got {status!r}."
        raise InvalidInput(message, code="invalid_status", pointer=pointer)
    return status


def yearly_transition(*, history: Sequence[str], new_status: str) -> str | None:
    """The report category of this year's status given the earlier ones (table above)."""
    if isinstance(history, str):  # a bare string would be read letter by letter
        message = "history must be a list of statuses."
        raise InvalidInput(message, code="invalid_history", pointer="/history")
    for index, status in enumerate(history):
        _check_status(status, f"/history/{index}")
    _check_status(new_status, "/new_status")
    previous = history[-1] if history else None
    if new_status == "poor":
        if previous == "poor":
            return "remained_poor"
        return "re_poor" if "poor" in history else "newly_poor"
    if previous == "poor":
        return "escaped_poverty"
    if new_status == "near_poor":
        return "remained_near_poor" if previous == "near_poor" else "newly_near_poor"
    return "escaped_near_poverty" if previous == "near_poor" else None


def escaped_on(*, history: Sequence[tuple[int, str]]) -> int | None:
    """The year the household last escaped poverty; None if it never did or is poor now.

    `history` is (year, status) pairs in increasing year order. A household that escaped and
    then fell back is poor now, so it gets None: "escaped within N years" is for households
    currently out of poverty.
    """
    escaped: int | None = None
    previous_year: int | None = None
    previous: str | None = None
    for index, item in enumerate(history):
        year, status = _check_entry(item, index)
        if previous_year is not None and year <= previous_year:
            message = f"history years must increase; {year} follows {previous_year}."
            raise InvalidInput(message, code="invalid_history", pointer=f"/history/{index}")
        if previous == "poor" and status != "poor":
            escaped = year
        elif status == "poor":
            escaped = None
        previous_year, previous = year, status
    return escaped


def _check_entry(item: object, index: int) -> tuple[int, str]:
    """One (year, status) pair of a history."""
    pointer = f"/history/{index}"
    if not (isinstance(item, tuple | list) and len(item) == 2):
        message = f"history entries are (year, status) pairs; got {item!r}."
        raise InvalidInput(message, code="invalid_history", pointer=pointer)
    year, status = item
    if not isinstance(year, int) or isinstance(year, bool):
        message = f"history years are integers; got {year!r}."
        raise InvalidInput(message, code="invalid_history", pointer=pointer)
    return year, _check_status(status, pointer)
