"""Read and validate the poverty-standard data files: one TOML file per standard in data/."""

import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, TypeVar

DATA_DIR = Path(__file__).parent / "data"
SCHEMA_VERSION = 1
AREAS = ("rural", "urban")
RULE_KINDS = ("two_lines", "single_line")
# Support categories an officer can open for a deprivation (domain.md §5).
NEED_CATEGORIES = tuple(
    "health education credit housing land water_sanitation information legal_aid "
    "vocational_training jobs labour_export livelihood social_assistance electricity "
    "social_mobilisation".split()
)
_CODE = re.compile(r"[A-Z0-9]+(?:[-.][A-Z0-9]+)*")
_INDICATOR_CODE = re.compile(r"[A-Z]{2}[0-9]{1,2}")

T = TypeVar("T")


class StandardDataError(RuntimeError):
    """A data file is malformed: a deployment bug found at load time, never a client error."""

    def __init__(self, message: str, *, path: Path, pointer: str = "") -> None:
        super().__init__(f"{path.name} {pointer or '/'}: {message}")
        self.path = path
        self.pointer = pointer


def to_public(value: Any) -> Any:
    """Plain JSON data from the frozen records below; a `provenance` field is flattened into
    `source` and `verified` beside the values it describes."""
    if isinstance(value, Provenance):
        return {"source": value.source, "verified": value.verified}
    if is_dataclass(value):
        public = {f.name: to_public(getattr(value, f.name)) for f in fields(value)}
        if isinstance(getattr(value, "provenance", None), Provenance):
            public |= public.pop("provenance")
        return public
    if isinstance(value, Mapping):
        return {key: to_public(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [to_public(item) for item in value]
    return value


@dataclass(frozen=True)
class Provenance:
    source: str
    verified: bool


@dataclass(frozen=True)
class Rule:
    kind: str  # "two_lines" or "single_line"
    deprivation_threshold: int
    provenance: Provenance


@dataclass(frozen=True)
class AreaLines:
    poverty_line: int
    near_poverty_line: int | None  # only for "two_lines" standards
    provenance: Provenance

    @property
    def top(self) -> int:
        """The highest income line: above it a household is neither poor nor near-poor."""
        return self.near_poverty_line or self.poverty_line


@dataclass(frozen=True)
class AverageBand:
    above: int  # exclusive
    up_to: int  # inclusive
    provenance: Provenance

    def contains(self, income: int) -> bool:
        return self.above < income <= self.up_to


@dataclass(frozen=True)
class B1Cutoffs:
    b1_poverty_max: int  # B1 at or under this stands for "income at or below the poverty line"
    b1_near_poverty_max: int | None  # the same for the near-poverty line ("two_lines" only)
    provenance: Provenance


@dataclass(frozen=True)
class Scores:
    b2_points_per_indicator: int
    b1_cutoffs: Mapping[str, B1Cutoffs]  # empty when the standard publishes none
    provenance: Provenance


@dataclass(frozen=True)
class Dimension:
    code: str
    name_vi: str
    name_en: str
    provenance: Provenance


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    name_vi: str
    name_en: str
    condition_vi: str
    condition_en: str
    need_category: str
    source: str
    verified: bool  # the indicator itself: code, dimension, names
    condition_provenance: Provenance
    need_provenance: Provenance


@dataclass(frozen=True)
class Standard:
    code: str
    title_vi: str
    title_en: str
    source: str  # the legal instrument, in English
    source_vi: str
    citation_vi: str  # short form used in reasons, e.g. "QĐ 59/2015/QĐ-TTg"
    citation_en: str
    years: tuple[int, int]  # first and last review year, inclusive
    provisional: bool
    rule: Rule
    lines: Mapping[str, AreaLines]
    average_band: Mapping[str, AverageBand] | None
    scores: Scores
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    provenance: Mapping[str, Provenance]  # of "title", "legal_basis", "status", "years"

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(indicator.code for indicator in self.indicators)

    def covers(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[1]

    def to_public(self) -> dict[str, Any]:
        """The standard as plain JSON data for GET /api/v1/standards/{code}."""
        public = to_public(self)
        public["years"] = {"first": self.years[0], "last": self.years[1]}
        return public


class _Table:
    """A TOML table being read, so that every error names the file and a JSON pointer."""

    def __init__(self, data: Mapping[str, Any], *, path: Path, pointer: str = "") -> None:
        self.data, self.path, self.pointer = data, path, pointer
        self._seen: set[str] = set()

    def fail(self, message: str, key: str | int | None = None) -> NoReturn:
        pointer = self.pointer if key is None else f"{self.pointer}/{key}"
        raise StandardDataError(message, path=self.path, pointer=pointer)

    def get(self, key: str, kind: type[T], *, optional: bool = False) -> T | None:
        self._seen.add(key)
        if key not in self.data:
            return None if optional else self.fail("missing required key", key)
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(f"expected {kind.__name__}, got {type(value).__name__}", key)
        if isinstance(value, str):
            if not value.strip():
                self.fail("must not be empty", key)
            if unicodedata.normalize("NFC", value) != value:
                self.fail("text must be Unicode NFC", key)
        return value

    def text(self, key: str) -> str:
        return self.get(key, str)  # type: ignore[return-value]

    def integer(self, key: str, *, optional: bool = False, minimum: int = 0) -> int | None:
        value = self.get(key, int, optional=optional)
        if value is not None and value < minimum:
            self.fail(f"must be at least {minimum}", key)
        return value

    def table(self, key: str, *, optional: bool = False) -> "_Table | None":
        value = self.get(key, dict, optional=optional)
        return None if value is None else self._child(value, key)

    def tables(self, key: str) -> list["_Table"]:
        items = self.get(key, list) or self.fail("must list at least one entry", key)
        return [self._child(item, f"{key}/{i}") for i, item in enumerate(items)]

    def provenance(self) -> Provenance:
        return Provenance(source=self.text("source"), verified=self.get("verified", bool))

    def close(self) -> None:
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            self.fail(f"unknown key(s): {', '.join(unknown)}")

    def _child(self, value: Any, key: str) -> "_Table":
        if not isinstance(value, dict):
            self.fail(f"expected a table, got {type(value).__name__}", key)
        return _Table(value, path=self.path, pointer=f"{self.pointer}/{key}")


def _read(table: _Table, parse: Callable[[_Table], T]) -> T:
    """Parse one table and reject keys nobody read (typos would otherwise pass silently)."""
    value = parse(table)
    table.close()
    return value


def _per_area(
    parent: _Table, key: str, parse: Callable[[_Table, str], T], *, required: bool = False
) -> Mapping[str, T] | None:
    """Read a table keyed by area; both areas must be present and nothing else."""
    table = parent.table(key, optional=not required)
    if table is None:
        return None
    for area in AREAS:
        if area not in table.data:
            table.fail(f"missing area '{area}': every standard must define {' and '.join(AREAS)}")
    parsed = {area: _read(table.table(area), lambda t, a=area: parse(t, a)) for area in AREAS}
    table.close()
    return MappingProxyType(parsed)


def _parse_all(parent: _Table, key: str, parse: Callable[[_Table], T]) -> tuple[T, ...]:
    """Read an array of tables whose entries have unique `code`s."""
    items: list[T] = []
    seen: set[str] = set()
    for table in parent.tables(key):
        item = _read(table, parse)
        code = item.code  # type: ignore[attr-defined]
        if code in seen:
            table.fail(f"duplicate code '{code}' in {key}", "code")
        seen.add(code)
        items.append(item)
    return tuple(items)


def _parse_rule(table: _Table) -> Rule:
    kind = table.text("kind")
    if kind not in RULE_KINDS:
        table.fail(f"must be one of {', '.join(RULE_KINDS)}", "kind")
    threshold = table.integer("deprivation_threshold", minimum=1)
    return Rule(kind, threshold, table.provenance())


def _parse_lines(table: _Table, rule: Rule) -> AreaLines:
    poverty = table.integer("poverty_line", minimum=1)
    near = table.integer("near_poverty_line", optional=True, minimum=1)
    if rule.kind == "two_lines" and (near is None or near <= poverty):
        table.fail("a two_lines standard needs a near_poverty_line above the poverty_line")
    if rule.kind == "single_line" and near is not None:
        table.fail("a single_line standard has no near_poverty_line", "near_poverty_line")
    return AreaLines(poverty, near, table.provenance())


def _parse_band(table: _Table, lines: AreaLines) -> AverageBand:
    above, up_to = table.integer("above"), table.integer("up_to")
    if above != lines.top:  # a gap or an overlap with the lines would make "average" ambiguous
        table.fail(f"the band must start at the highest income line ({lines.top})", "above")
    if up_to <= above:
        table.fail("up_to must be greater than above", "up_to")
    return AverageBand(above, up_to, table.provenance())


def _parse_cutoffs(table: _Table, rule: Rule) -> B1Cutoffs:
    poverty = table.integer("b1_poverty_max")
    near = table.integer("b1_near_poverty_max", optional=True)
    if rule.kind == "two_lines" and (near is None or near <= poverty):
        table.fail("a two_lines standard needs b1_near_poverty_max above b1_poverty_max")
    if rule.kind == "single_line" and near is not None:
        table.fail("a single_line standard has no b1_near_poverty_max", "b1_near_poverty_max")
    return B1Cutoffs(poverty, near, table.provenance())


def _parse_scores(table: _Table, rule: Rule) -> Scores:
    points = table.integer("b2_points_per_indicator", minimum=1)
    cutoffs = _per_area(table, "b1_cutoffs", lambda t, _area: _parse_cutoffs(t, rule))
    return Scores(points, cutoffs or MappingProxyType({}), table.provenance())


def _parse_dimension(table: _Table) -> Dimension:
    return Dimension(
        table.text("code"), table.text("name_vi"), table.text("name_en"), table.provenance()
    )


def _parse_indicator(table: _Table, dimensions: set[str]) -> Indicator:
    code, dimension = table.text("code"), table.text("dimension")
    if not _INDICATOR_CODE.fullmatch(code):
        table.fail("indicator codes look like HE1: two capitals and a number", "code")
    if dimension not in dimensions:
        table.fail(f"unknown dimension '{dimension}'", "dimension")
    condition, need = table.table("condition"), table.table("need")
    category = need.text("category")
    if category not in NEED_CATEGORIES:
        need.fail(f"unknown need category '{category}'", "category")
    return Indicator(
        code=code,
        dimension=dimension,
        name_vi=table.text("name_vi"),
        name_en=table.text("name_en"),
        condition_vi=condition.text("vi"),
        condition_en=condition.text("en"),
        need_category=category,
        source=table.text("source"),
        verified=table.get("verified", bool),
        condition_provenance=_read(condition, _Table.provenance),
        need_provenance=_read(need, _Table.provenance),
    )


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StandardDataError(f"not a valid UTF-8 TOML file: {exc}", path=path) from exc


def _parse_years(table: _Table) -> tuple[int, int]:
    first, last = table.integer("first", minimum=1900), table.integer("last", minimum=1900)
    if last < first:
        table.fail("last year is before the first year", "last")
    return first, last


def parse_standard_file(path: Path) -> Standard:
    """Parse and validate one data file."""
    root = _Table(_load_toml(path), path=path)
    if root.integer("schema_version") != SCHEMA_VERSION:
        root.fail(f"unsupported schema version (expected {SCHEMA_VERSION})", "schema_version")
    code = root.text("code")
    if not _CODE.fullmatch(code):
        root.fail("standard codes use capitals, digits and dashes, e.g. ND07-2021", "code")
    title, legal, status, years = (
        root.table(key) for key in ("title", "legal_basis", "status", "years")
    )
    rule = _read(root.table("rule"), _parse_rule)
    lines = _per_area(root, "lines", lambda t, _area: _parse_lines(t, rule), required=True)
    bands = _per_area(root, "average_band", lambda t, area: _parse_band(t, lines[area]))
    dimensions = _parse_all(root, "dimensions", _parse_dimension)
    dimension_codes = {dimension.code for dimension in dimensions}
    indicators = _parse_all(root, "indicators", lambda t: _parse_indicator(t, dimension_codes))
    if rule.deprivation_threshold > len(indicators):
        root.fail("deprivation_threshold exceeds the number of indicators", "rule")
    standard = Standard(
        code=code,
        title_vi=title.text("vi"),
        title_en=title.text("en"),
        source=legal.text("en"),
        source_vi=legal.text("vi"),
        citation_vi=legal.text("citation_vi"),
        citation_en=legal.text("citation_en"),
        years=_parse_years(years),
        provisional=status.get("provisional", bool),
        rule=rule,
        lines=lines,
        average_band=bands,
        scores=_read(root.table("scores"), lambda t: _parse_scores(t, rule)),
        dimensions=dimensions,
        indicators=indicators,
        provenance=MappingProxyType(
            {
                "title": title.provenance(),
                "legal_basis": legal.provenance(),
                "status": status.provenance(),
                "years": years.provenance(),
            }
        ),
    )
    for table in (title, legal, status, years, root):
        table.close()
    return standard


def load_directory(directory: Path = DATA_DIR) -> dict[str, Standard]:
    """Every standard in `directory` (each *.toml file), by code, oldest period first."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise StandardDataError("no *.toml standard files found", path=directory)
    loaded = [(path, parse_standard_file(path)) for path in paths]
    _check_unique_codes(loaded)
    loaded.sort(key=lambda item: item[1].years)
    _check_disjoint_years(loaded)
    return {standard.code: standard for _, standard in loaded}


def _check_unique_codes(loaded: list[tuple[Path, Standard]]) -> None:
    owners: dict[str, Path] = {}
    for path, standard in loaded:
        other = owners.setdefault(standard.code.upper(), path)
        if other != path:
            message = f"duplicate standard code '{standard.code}' (also in {other.name})"
            raise StandardDataError(message, path=path, pointer="/code")


def _check_disjoint_years(loaded: list[tuple[Path, Standard]]) -> None:
    """Exactly one standard may govern a review year; `loaded` is sorted by years."""
    for (_, before), (path, after) in zip(loaded, loaded[1:], strict=False):
        if after.years[0] <= before.years[1]:
            message = (
                f"years {after.years[0]}-{after.years[1]} of {after.code} overlap "
                f"{before.years[0]}-{before.years[1]} of {before.code}"
            )
            raise StandardDataError(message, path=path, pointer="/years")
