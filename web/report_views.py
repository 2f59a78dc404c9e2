"""The reports the reports page offers: which filters each takes, which columns it shows
and what its chart draws. The figures are the API's; the words are the web's."""

from dataclasses import dataclass, field
from typing import Any

from web.charts import bar_chart, column_chart
from web.i18n import N_
from web.i18n.formatting import format_number, format_percent

YEAR, PLACE, BY, RANGE, MIN_SCORE = "year", "place_id", "by", "range", "min_score"


@dataclass(frozen=True)
class Col:
    key: str
    title: str  # msgid
    kind: str = "int"  # text, int, rate, points, money, label:<set>, reasons


@dataclass(frozen=True)
class ReportView:
    name: str
    title: str  # msgid
    filters: tuple[str, ...]
    columns: tuple[Col, ...]
    by_options: tuple[tuple[str, str], ...] = ()
    chart: str = ""  # bars:<column> or columns:<col,col,...>
    label_set: str = ""  # label set that names a row by its key (categories …)
    rows_key: str = "rows"
    notes: tuple[str, ...] = field(default_factory=tuple)


LABEL = Col("label", N_("Group"), "text")
VIEWS = (
    ReportView(
        "poverty-rate",
        N_("Poor and near-poor households"),
        (YEAR, PLACE, BY),
        (
            LABEL,
            Col("households", N_("Households")),
            Col("poor", N_("Poor")),
            Col("poor_rate", N_("Poverty rate"), "rate"),
            Col("near_poor", N_("Near-poor")),
            Col("near_poor_rate", N_("Near-poverty rate"), "rate"),
            Col("poor_without_labour_capacity", N_("Poor without labour capacity")),
        ),
        by_options=(("place", N_("By place")), ("ethnicity", N_("By ethnicity"))),
        chart="bars:poor_rate",
    ),
    ReportView(
        "transitions",
        N_("Households in and out of poverty"),
        (RANGE, PLACE),
        (
            Col("label", N_("Year"), "text"),
            Col("newly_poor", N_("Newly poor")),
            Col("re_poor", N_("Fell back into poverty")),
            Col("escaped_poverty", N_("Escaped poverty")),
            Col("newly_near_poor", N_("Newly near-poor")),
            Col("escaped_near_poverty", N_("Escaped near-poverty")),
        ),
        chart="columns:newly_poor,re_poor,escaped_poverty",
    ),
    ReportView(
        "progress",
        N_("Progress against the targets"),
        (PLACE,),
        (
            Col("place_name", N_("Place"), "text"),
            Col("year", N_("Target year"), "text"),
            Col("kind", N_("Kind"), "label:status"),
            Col("max_rate", N_("Target"), "rate"),
            Col("actual_rate", N_("Latest rate"), "rate"),
            Col("gap", N_("Gap (points)"), "points"),
            Col("yearly_pace_needed", N_("Yearly pace needed"), "rate"),
            Col("status", N_("Status"), "label:progress"),
        ),
    ),
    ReportView(
        "supports",
        N_("Support delivered"),
        (YEAR, PLACE, BY),
        (
            LABEL,
            Col("households", N_("Households reached")),
            Col("records", N_("Records")),
            Col("amount_vnd", N_("Amount"), "money"),
        ),
        by_options=(
            ("category", N_("By category")),
            ("policy", N_("By policy")),
            ("agency", N_("By agency")),
            ("funding_source", N_("By funding source")),
        ),
        chart="bars:households",
    ),
    ReportView(
        "support-coverage",
        N_("Poor and near-poor households supported"),
        (YEAR, PLACE),
        (
            LABEL,
            Col("poor_households", N_("Poor")),
            Col("poor_reached", N_("Poor reached")),
            Col("poor_rate", N_("Share of poor"), "rate"),
            Col("near_poor_households", N_("Near-poor")),
            Col("near_poor_reached", N_("Near-poor reached")),
            Col("near_poor_rate", N_("Share of near-poor"), "rate"),
        ),
        chart="bars:poor_rate",
        label_set="category",
    ),
    ReportView(
        "needs",
        N_("Needs not yet met"),
        (YEAR, PLACE),
        (
            LABEL,
            Col("open_needs", N_("Open needs")),
            Col("households", N_("Households")),
            Col("met_in_year", N_("Met this year")),
        ),
        chart="bars:open_needs",
        label_set="category",
    ),
    ReportView(
        "visit-coverage",
        N_("Households visited on time"),
        (YEAR, PLACE),
        (
            LABEL,
            Col("households", N_("Households followed")),
            Col("visited", N_("Visited")),
            Col("visited_rate", N_("Share visited"), "rate"),
            Col("visited_on_schedule", N_("Visited on time")),
            Col("on_schedule_rate", N_("Share on time"), "rate"),
            Col("visits", N_("Visits")),
        ),
        chart="bars:on_schedule_rate",
    ),
    ReportView(
        "workload",
        N_("Households and visits per person in charge"),
        (YEAR, PLACE),
        (
            Col("label", N_("Person"), "text"),
            Col("organisation", N_("Organisation"), "label:organisation"),
            Col("households", N_("Households in charge")),
            Col("poor", N_("Poor")),
            Col("near_poor", N_("Near-poor")),
            Col("visits", N_("Visits")),
            Col("households_visited", N_("Households visited")),
        ),
        chart="bars:households",
    ),
    ReportView(
        "early-warning",
        N_("Early warning: risk of falling back into poverty"),
        (PLACE, MIN_SCORE),
        (
            Col("head_name", N_("Head of household"), "household"),
            Col("place", N_("Place"), "text"),
            Col("status", N_("Poverty status"), "label:status"),
            Col("risk_score", N_("Risk")),
            Col("reasons", N_("Reasons"), "reasons"),
            Col("person_in_charge", N_("Person in charge"), "text"),
            Col("next_visit_due_on", N_("Next visit due"), "date"),
        ),
    ),
)
BY_NAME = {view.name: view for view in VIEWS}


def flatten_progress(report: dict[str, Any]) -> dict[str, Any]:
    """Progress rows nest their target; the table wants one flat row each."""
    rows = []
    for row in report.get("rows", []):
        target = row.get("target") or {}
        place = target.get("place") or {}
        rows.append({**row, "place_name": place.get("name", ""), "year": target.get("year")})
    return {**report, "rows": rows}


def chart_for(view: ReportView, rows: list[dict[str, Any]], labels: list[str], locale: str):
    """The report's chart (None when it has none or nothing to draw)."""
    if not view.chart or not rows:
        return None
    kind, _, spec = view.chart.partition(":")
    if kind == "bars":
        shown = format_percent if spec.endswith("rate") else format_number
        values = [
            (label, row.get(spec), shown(row.get(spec), locale))
            for label, row in zip(labels, rows, strict=True)
        ]
        return bar_chart(values)
    series = spec.split(",")
    groups = [
        (label, {name: row.get(name) or 0 for name in series})
        for label, row in zip(labels, rows, strict=True)
    ]
    return column_chart(groups, series)
