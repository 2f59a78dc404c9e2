"""The follow-up schedule: rules from schedule.toml and each household's next due date (pure)."""

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from api.core.months import add_months, whole_months_between

SCHEDULE_FILE = Path(__file__).with_name("schedule.toml")
STATUSES = frozenset({"unclassified", "poor", "near_poor", "average", "not_poor"})
ESCAPES = frozenset({"escaped_poverty", "escaped_near_poverty"})
VISIT_SET = "next_visit_set"  # the basis of a due date that the last visit set


class ScheduleDataError(RuntimeError):
    """schedule.toml is malformed: a deployment bug found at load time."""


@dataclass(frozen=True)
class Phase:
    every_months: int
    until_month: int | None  # None: for as long as the rule applies


@dataclass(frozen=True)
class Rule:
    code: str
    name_vi: str
    name_en: str
    statuses: frozenset[str]
    escaped: bool
    phases: tuple[Phase, ...]

    def matches(self, facts: "ScheduleFacts") -> bool:
        if self.escaped:
            return facts.escaped_on is not None
        return facts.status in self.statuses


@dataclass(frozen=True)
class ScheduleFacts:
    status: str
    status_since: date | None
    registered_on: date
    escaped_on: date | None  # effective date of the latest change, when it is an escape
    last_visit_on: date | None
    next_visit_on: date | None  # the date the last visit set, if any


@dataclass(frozen=True)
class Due:
    due_on: date
    basis: str  # a rule code, or VISIT_SET


def _fail(message: str) -> None:
    raise ScheduleDataError(f"{SCHEDULE_FILE.name}: {message}")


def _phase(raw: Any, where: str) -> Phase:
    if not isinstance(raw, dict) or set(raw) - {"every_months", "until_month"}:
        _fail(f"{where}: a phase has every_months and optionally until_month")
    every, until = raw.get("every_months"), raw.get("until_month")
    if not isinstance(every, int) or isinstance(every, bool) or not 1 <= every <= 24:
        _fail(f"{where}/every_months: a whole number of months from 1 to 24")
    if until is not None and (not isinstance(until, int) or isinstance(until, bool) or until < 1):
        _fail(f"{where}/until_month: a whole number of months from 1")
    return Phase(every_months=every, until_month=until)


def _rule(raw: Any, index: int) -> Rule:
    where = f"/rules/{index}"
    known = {"code", "name_vi", "name_en", "statuses", "escaped", "phases"}
    if not isinstance(raw, dict) or set(raw) - known:
        _fail(f"{where}: unknown keys {sorted(set(raw) - known) if isinstance(raw, dict) else raw}")
    for key in ("code", "name_vi", "name_en"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            _fail(f"{where}/{key}: required text")
    statuses = frozenset(raw.get("statuses", ()))
    escaped = raw.get("escaped", False)
    if statuses - STATUSES or not isinstance(escaped, bool) or bool(statuses) == escaped:
        _fail(f"{where}: give either known statuses or escaped = true")
    phases = tuple(_phase(p, f"{where}/phases/{i}") for i, p in enumerate(raw.get("phases", ())))
    if not phases:
        _fail(f"{where}/phases: at least one phase")
    ends = [p.until_month for p in phases]
    if None in ends[:-1] or any(
        b is not None and a >= b for a, b in zip(ends[:-1], ends[1:], strict=True)
    ):
        _fail(f"{where}/phases: until_month must increase; only the last may be open")
    return Rule(raw["code"], raw["name_vi"], raw["name_en"], statuses, escaped, phases)


def parse_rules(data: dict[str, Any]) -> tuple[Rule, ...]:
    """Validated rules from the parsed TOML document."""
    if data.get("schema_version") != 1 or set(data) - {"schema_version", "rules"}:
        _fail("expected schema_version = 1 and [[rules]]")
    rules = tuple(_rule(raw, i) for i, raw in enumerate(data.get("rules", ())))
    codes = [rule.code for rule in rules]
    if not rules or len(codes) != len(set(codes)):
        _fail("at least one rule, each with its own code")
    return rules


@functools.cache
def load_rules() -> tuple[Rule, ...]:
    """The deployment's schedule rules (the file is read once)."""
    with SCHEDULE_FILE.open("rb") as handle:
        return parse_rules(tomllib.load(handle))


def _due_by_rule(rule: Rule, facts: ScheduleFacts) -> date | None:
    anchor = facts.escaped_on if rule.escaped else facts.status_since or facts.registered_on
    assert anchor is not None
    last = facts.last_visit_on
    start = last if last is not None and last >= anchor else anchor
    elapsed = whole_months_between(anchor, start)
    phase = next((p for p in rule.phases if p.until_month is None or elapsed < p.until_month), None)
    if phase is None:
        return None
    due = add_months(start, phase.every_months)
    end = rule.phases[-1].until_month
    if end is not None and due > add_months(anchor, end):
        return None  # the watch ends before the next visit would fall due
    return due


def next_due(facts: ScheduleFacts, rules: tuple[Rule, ...] | None = None) -> Due | None:
    """When the household should next be visited, and why; None when no rule applies."""
    if facts.next_visit_on is not None:
        return Due(facts.next_visit_on, VISIT_SET)
    for rule in load_rules() if rules is None else rules:
        if rule.matches(facts):
            due = _due_by_rule(rule, facts)
            if due is not None:
                return Due(due, rule.code)
    return None
