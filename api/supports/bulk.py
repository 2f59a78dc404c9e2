"""POST /supports/bulk: up to 10,000 items, validate or commit, all-or-nothing or per row.

Every item is parsed, then all references are loaded in batches, then every item is checked,
then the good ones are written in batches (see rules.py and writes.py): never a query per item.
An external_ref repeated inside one request is reported: the same values again are ignored
(duplicate_of), other values fail; it is never saved twice.
"""

import json
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from api.auth.principal import Principal
from api.errors import BadRequest, Conflict, UnsupportedMediaType, ValidationFailed
from api.supports.csv_input import parse_csv
from api.supports.rules import existing_for, load_refs, moved, prepare, unchanged
from api.supports.schemas import SupportIn
from api.supports.writes import Plan, write_plans


class MalformedJson(BadRequest):
    slug, title = "malformed-json", "Malformed JSON"


CSV_TYPES = frozenset({"text/csv", "application/csv", "application/vnd.ms-excel"})


@dataclass
class BulkBody:
    media_type: str
    charset: str | None
    data: bytes


def read_items(body: BulkBody, *, require_ref: bool, max_items: int):
    """The items of a JSON array or a CSV file, with CSV line numbers (None for JSON)."""
    if body.media_type in CSV_TYPES:
        return parse_csv(
            body.data, charset=body.charset, require_ref=require_ref, max_items=max_items
        )
    if body.media_type not in ("application/json", ""):
        raise UnsupportedMediaType(
            "Send a JSON array (application/json) or a CSV file (text/csv or multipart 'file')."
        )
    try:
        items = _loads(body.data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJson("The request body is not valid JSON (UTF-8).") from exc
    if isinstance(items, dict) and isinstance(items.get("items"), list):
        items = items["items"]
    if not isinstance(items, list):
        raise ValidationFailed("Send a JSON array of supports.", pointer="/")
    if len(items) > max_items:
        raise ValidationFailed(f"At most {max_items} items a request.", pointer="/")
    return items, None


def _loads(data: bytes) -> Any:
    """orjson (several times faster on a 10,000-item body); what it refuses goes to the json
    module, which has the last word (it also reads NaN and Infinity)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _parse(raw: Any) -> tuple[SupportIn | None, bool, list[dict[str, str]]]:
    if not isinstance(raw, dict):
        return None, False, [{"pointer": "/", "detail": "each item must be an object"}]
    raw = dict(raw)
    csv_attributes = bool(raw.pop("__csv_attributes__", False))
    if "__row_error__" in raw:
        return None, False, [{"pointer": "/", "detail": raw["__row_error__"]}]
    try:
        return SupportIn.model_validate(raw), csv_attributes, []
    except ValidationError as exc:
        errors = [
            {"pointer": "/" + "/".join(str(p) for p in e["loc"]), "detail": e["msg"]}
            for e in exc.errors()
        ]
        return None, False, errors


_ITEMS = TypeAdapter(list[SupportIn])
_MARKERS = ("__csv_attributes__", "__row_error__")


def _parse_all(items: list[Any]) -> list[tuple[SupportIn | None, bool, list[dict[str, str]]]]:
    """Every item at once when all are valid JSON objects (the usual case): one pydantic call
    for the list costs a third of one call per item; otherwise item by item, for the errors."""
    plain = all(isinstance(raw, dict) and not any(m in raw for m in _MARKERS) for raw in items)
    if plain:
        try:
            return [(item, False, []) for item in _ITEMS.validate_python(items)]
        except ValidationError:
            pass
    return [_parse(raw) for raw in items]


def run_bulk(
    session: Session,
    *,
    principal: Principal,
    items: list[Any],
    lines: list[int] | None,
    mode: str,
    atomic: str,
) -> tuple[dict[str, Any], bool]:
    """The bulk answer, and whether it was rejected (atomic=all with failures: nothing saved)."""
    results: list[dict[str, Any]] = []
    parsed: list[tuple[int, SupportIn, bool]] = []
    for index, (raw, (item, csv_attributes, errors)) in enumerate(
        zip(items, _parse_all(items), strict=True)
    ):
        result = {"index": index, "line": lines[index] if lines else None}
        if isinstance(raw, dict) and isinstance(raw.get("external_ref"), str):
            result["external_ref"] = raw["external_ref"]
        if errors:
            result.update(outcome="failed", errors=errors)
        else:
            parsed.append((index, item, csv_attributes))
        results.append(result)
    refs = load_refs(session, principal=principal, items=[item for _, item, _ in parsed])
    plans: list[Plan] = []
    first_by_ref: dict[tuple[str, str], Plan] = {}
    for index, item, csv_attributes in parsed:
        values, errors = prepare(item, refs, csv_attributes=csv_attributes)
        if errors:
            results[index].update(outcome="failed", errors=errors)
            continue
        key = (values["agency_id"], values["external_ref"])
        first = first_by_ref.get(key) if values["external_ref"] else None
        if first is not None:
            results[index]["duplicate_of"] = first.index
            if first.values == values:
                results[index]["outcome"] = "ignored"
            else:
                detail = f"repeats the external_ref of item {first.index} with other values"
                results[index].update(
                    outcome="failed", errors=[{"pointer": "/external_ref", "detail": detail}]
                )
            continue
        plan = Plan(index=index, values=values, existing=existing_for(refs, values))
        errors = moved(plan.existing, values) if plan.existing is not None else []
        if errors:  # not the first of its ref either: a repeat fails the same way
            results[index].update(outcome="failed", errors=errors)
            continue
        first_by_ref[key] = plan
        plans.append(plan)
    failed = sum(1 for r in results if r.get("outcome") == "failed")
    rejected = mode == "commit" and atomic == "all" and failed > 0
    if mode == "validate" or rejected:
        for plan in plans:
            existing = plan.existing
            outcome = "created" if existing is None else "updated"
            if existing is not None and unchanged(existing, plan.values):
                outcome = "ignored"
            results[plan.index].update(
                outcome="skipped" if rejected else outcome,
                id=existing.id if existing is not None else None,
            )
        for result in results:
            if rejected and result.get("outcome") == "ignored":
                result["outcome"] = "skipped"
    else:
        write_plans(session, principal=principal, plans=plans, refs=refs)
        if atomic == "all" and any(plan.outcome == "failed" for plan in plans):
            raise Conflict(
                "A record was saved by another request meanwhile; nothing was saved: retry."
            )
        for plan in plans:
            results[plan.index].update(outcome=plan.outcome, id=plan.support_id)
            if plan.errors:
                results[plan.index]["errors"] = plan.errors
    for result in results:
        if result.get("duplicate_of") is not None and result["outcome"] == "ignored":
            result["id"] = results[result["duplicate_of"]].get("id")
    return _answer(results, mode=mode, atomic=atomic, rejected=rejected), rejected


def _answer(results, *, mode: str, atomic: str, rejected: bool) -> dict[str, Any]:
    counts = {k: 0 for k in ("created", "updated", "ignored", "failed", "skipped")}
    for result in results:
        counts[result["outcome"]] += 1
    if rejected:
        counts.update(created=0, updated=0, ignored=0)
    failed = counts["failed"]
    if mode == "validate":
        status = "invalid" if failed else "valid"
    else:
        status = "partial" if failed else "committed"
    stats = {k: counts[k] for k in ("created", "updated", "ignored", "failed")}
    stats["total"] = len(results)
    clean = [{k: v for k, v in r.items() if v is not None} for r in results]
    return {"status": status, "mode": mode, "atomic": atomic, "stats": stats, "results": clean}
