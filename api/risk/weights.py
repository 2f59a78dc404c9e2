"""The early warning's weights, read and checked from weights.toml."""

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from api.models.visits import SHOCKS

WEIGHTS_FILE = Path(__file__).with_name("weights.toml")
SHOCK_CODES = tuple(code for code, _, _ in SHOCKS)


class WeightsDataError(RuntimeError):
    """weights.toml is malformed: a deployment bug found at load time."""


@dataclass(frozen=True)
class Weights:
    max_score: int
    escape_max: int
    escape_window_months: int
    margin_max: int
    margin_zero_at_pct: int
    deprivation_points: int
    deprivation_max: int
    shock_lookback_days: int
    shock_max: int
    shock_points: MappingProxyType
    dependants_max: int
    dependants_above_share: float
    child_under_age: int
    elderly_from_age: int
    overdue_points_per_month: int
    overdue_max: int
    need_points: int
    need_max: int


# section -> {key in the file: field of Weights}
_LAYOUT = {
    "time_since_escape": {"max_points": "escape_max", "window_months": "escape_window_months"},
    "income_margin": {"max_points": "margin_max", "zero_at_margin_pct": "margin_zero_at_pct"},
    "deprivations": {"points_per_indicator": "deprivation_points", "max_points": "deprivation_max"},
    "shocks": {"lookback_days": "shock_lookback_days", "max_points": "shock_max"},
    "dependants": {
        "max_points": "dependants_max",
        "above_share": "dependants_above_share",
        "child_under_age": "child_under_age",
        "elderly_from_age": "elderly_from_age",
    },
    "overdue_visit": {"points_per_month": "overdue_points_per_month", "max_points": "overdue_max"},
    "open_needs": {"points_per_need": "need_points", "max_points": "need_max"},
}


def _fail(message: str) -> None:
    raise WeightsDataError(f"{WEIGHTS_FILE.name}: {message}")


def _number(value: Any, where: str, *, share: bool = False) -> int | float:
    if share:
        if not isinstance(value, float) or not 0 < value < 1:
            _fail(f"{where}: a share between 0 and 1, such as 0.5")
        return value
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
        _fail(f"{where}: a whole number from 0 to 1000")
    return value


def parse_weights(data: dict[str, Any]) -> Weights:
    """Checked weights from the parsed TOML document: every key known, every key present."""
    if data.get("schema_version") != 1:
        _fail("expected schema_version = 1")
    unknown = set(data) - {"schema_version", "max_score", *_LAYOUT}
    if unknown:
        _fail(f"unknown keys {sorted(unknown)}")
    values: dict[str, Any] = {"max_score": _number(data.get("max_score"), "/max_score")}
    for section, keys in _LAYOUT.items():
        table = data.get(section)
        if not isinstance(table, dict):
            _fail(f"/{section}: missing table")
        extra = set(table) - set(keys) - (set(SHOCK_CODES) if section == "shocks" else set())
        if extra:
            _fail(f"/{section}: unknown keys {sorted(extra)}")
        for key, field in keys.items():
            share = field == "dependants_above_share"
            values[field] = _number(table.get(key), f"/{section}/{key}", share=share)
    shocks = data["shocks"]
    points = {code: _number(shocks.get(code), f"/shocks/{code}") for code in SHOCK_CODES}
    values["shock_points"] = MappingProxyType(points)
    if values["escape_window_months"] < 1 or values["margin_zero_at_pct"] < 1:
        _fail("window_months and zero_at_margin_pct must be at least 1")
    return Weights(**values)


@functools.cache
def load_weights() -> Weights:
    """The deployment's weights (the file is read once)."""
    with WEIGHTS_FILE.open("rb") as handle:
        return parse_weights(tomllib.load(handle))
