"""What the home dashboard shows, gathered from the API in parallel.

The figures come from the reports API; when a data service has no reports (404) or a
report fails, the dashboard falls back to counting households by their current status,
so the home page still opens and shows something true.
"""

import asyncio
import logging
from dataclasses import dataclass, field

from web.charts import BarChart, ColumnChart, TrendChart, bar_chart, column_chart, trend_chart
from web.client import ApiClient, ApiError, ApiUnavailable
from web.i18n.formatting import format_percent
from web.schemas_field import DueSummary
from web.schemas_reports import EarlyWarning, PovertyRate, RateRow, Target, Transitions
from web.screens import today

logger = logging.getLogger(__name__)
TREND_YEARS = 5
TRANSITION_SERIES = ["newly_poor", "re_poor", "escaped_poverty"]


@dataclass
class Dashboard:
    year: int
    total: RateRow
    rates: PovertyRate | None = None
    trend: list[tuple[int, float | None]] = field(default_factory=list)
    target: Target | None = None
    targets: list[Target] = field(default_factory=list)
    transitions: Transitions | None = None
    warnings: EarlyWarning | None = None
    due: DueSummary | None = None
    reports_available: bool = True

    def choose_target(self, place_chain: list[str]) -> None:
        """The target of the place shown, else of the nearest place above it."""
        for place_id in place_chain:
            found = pick_target([t for t in self.targets if t.place_id == place_id], self.year)
            if found is not None:
                self.target = found
                return
        if not place_chain:
            self.target = pick_target(self.targets, self.year)

    def trend_chart(self, target_text: str, locale: str) -> TrendChart:
        return trend_chart(
            [(str(year), rate) for year, rate in self.trend],
            target=self.target.max_rate if self.target else None,
            target_text=target_text,
            shown=lambda value: format_percent(value, locale),
        )

    def place_chart(self, locale: str) -> BarChart | None:
        if self.rates is None or len(self.rates.rows) < 2:
            return None
        rows = [
            (row.label, row.poor_rate, format_percent(row.poor_rate, locale))
            for row in self.rates.rows
        ]
        return bar_chart(rows)

    def transitions_chart(self) -> ColumnChart | None:
        if self.transitions is None:
            return None
        groups = [
            (str(row.key or row.label), {name: getattr(row, name) for name in TRANSITION_SERIES})
            for row in self.transitions.rows
        ]
        return column_chart(groups, TRANSITION_SERIES)


def _not_found(exc: ApiError) -> bool:
    return exc.status == 404 and not exc.errors


def pick_target(targets: list[Target], year: int) -> Target | None:
    """The poverty target of the nearest year from ``year`` on (else the latest one)."""
    poor = [target for target in targets if target.kind == "poor"]
    ahead = sorted((t for t in poor if t.year >= year), key=lambda t: t.year)
    if ahead:
        return ahead[0]
    return max(poor, key=lambda t: t.year, default=None)


async def _trend(api: ApiClient, year: int, place_id: str | None) -> list[tuple[int, float | None]]:
    """The poverty rate of the last years; years before the first review are left out (no
    poor nor near-poor household yet means no data, not a rate of 0 %)."""
    years = list(range(year - TREND_YEARS + 1, year + 1))
    reports = await asyncio.gather(*(api.poverty_rate(year=y, place_id=place_id) for y in years))
    trend = [
        (report.year, report.total.poor_rate if report.total.households else None)
        for report in reports
    ]
    while len(trend) > 1 and not (reports[0].total.poor or reports[0].total.near_poor):
        trend, reports = trend[1:], reports[1:]
    return trend


async def load_dashboard(api: ApiClient, *, place_id: str | None) -> Dashboard:
    due = (
        await api.visits_due(within_days=7, place_id=place_id, page_size=1, totals_only=True)
    ).summary
    try:
        return await _from_reports(api, place_id=place_id, due=due)
    except ApiUnavailable as exc:
        logger.warning("dashboard reports unavailable: %s", exc)
        return await _fallback(api, place_id=place_id, due=due)
    except ApiError as exc:
        # The home page must always open: without reports (404) or with a failing report
        # (5xx, logged), it shows today's statuses instead.
        if not (_not_found(exc) or exc.status >= 500):
            raise
        if exc.status >= 500:
            logger.error("dashboard reports failed: %s", exc)
        return await _fallback(api, place_id=place_id, due=due)


async def _from_reports(api: ApiClient, *, place_id: str | None, due: DueSummary) -> Dashboard:
    rates = await api.poverty_rate(place_id=place_id)
    year = rates.year
    trend, transitions, warnings, targets = await asyncio.gather(
        _trend(api, year, place_id),
        api.transitions(from_year=year - TREND_YEARS + 1, to_year=year, place_id=place_id),
        api.early_warning(place_id=place_id, limit=5),
        api.list_targets(kind="poor"),
    )
    while len(transitions.rows) > 1 and (
        transitions.rows[0].baseline
        or not any(getattr(transitions.rows[0], name) for name in TRANSITION_SERIES)
    ):
        # Years before the first review hold nothing to draw, and in the first review year
        # (the baseline) every poor household would show as "newly poor".
        transitions = transitions.model_copy(update={"rows": transitions.rows[1:]})
    return Dashboard(
        year=year,
        total=rates.total,
        rates=rates,
        trend=trend,
        targets=targets.items,
        transitions=transitions,
        warnings=warnings,
        due=due,
    )


async def _fallback(api: ApiClient, *, place_id: str | None, due: DueSummary) -> Dashboard:
    """Today's statuses only: no trend, no transitions, no targets."""
    households, poor, near_poor, risky = await asyncio.gather(
        api.count_households(place_id=place_id),
        api.count_households(place_id=place_id, status="poor"),
        api.count_households(place_id=place_id, status="near_poor"),
        api.list_households_by_risk(place_id=place_id, page_size=5),
    )

    def rate(count: int) -> float | None:
        return round(100 * count / households, 2) if households else None

    total = RateRow(
        label="",
        households=households,
        poor=poor,
        near_poor=near_poor,
        poor_rate=rate(poor),
        near_poor_rate=rate(near_poor),
    )
    warnings = EarlyWarning(
        total=sum(1 for h in risky.items if h.risk_score is not None),
        rows=[
            {
                "household_id": h.id,
                "code": h.code,
                "head_name": h.head_name,
                "status": h.status,
                "risk_score": h.risk_score,
                "band": "",
                "reasons": h.risk_reasons,
            }
            for h in risky.items
            if h.risk_score is not None
        ],
    )
    return Dashboard(
        year=today().year, total=total, warnings=warnings, due=due, reports_available=False
    )
