"""Checking support items against the records they name: one code path for single and bulk.

References are loaded in batches (never a query per item): households (scoped to the caller),
policies, and the records already saved under the same external_ref (read without a lock: a
resend that changes nothing locks nothing; writes.py locks the rows it is about to update).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from jsonschema import Draft202012Validator
from sqlmodel import Session, select

from api.auth.principal import Principal
from api.core.bulkinsert import any_of
from api.core.dates import today_in_vietnam
from api.models import Household, Need, Policy, Support
from api.models.supports import HAPPENED_STATUSES, LOAN_STATUSES
from api.supports.schemas import SupportIn

BATCH = 1000
MAX_ATTRIBUTES_BYTES = 8000
EARLIEST = date(1990, 1, 1)
# The columns a resend writes (the record's agency and external_ref stay; household_id and
# policy_id are written unchanged, see FIXED_FIELDS).
VALUE_FIELDS = (
    "household_id",
    "policy_id",
    "category",
    "delivered_on",
    "amount_vnd",
    "quantity",
    "funding_source",
    "status",
    "attributes",
    "note",
    "need_id",
)


# What a record is about: a resend under the same external_ref may correct its values, but
# never make it another household's or another policy's support (PATCH refuses these too).
FIXED_FIELDS = ("household_id", "policy_id")


def chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def lookups(session: Session, values: list):
    """The values in batches for `any_of`: all at once on PostgreSQL (one array parameter),
    in batches of BATCH elsewhere (SQLite's limit on parameters)."""
    if session.get_bind().dialect.name == "postgresql":
        return [values] if values else []
    return chunks(values)


class HouseholdRef(NamedTuple):
    """What a support needs of its household (loaded for thousands at once)."""

    id: str
    place_path: str
    archived_at: datetime | None


class PolicyRef(NamedTuple):
    """What a support needs of its policy: a plain tuple, since every item reads several
    fields and an ORM attribute costs a descriptor call each (10,000 items a request)."""

    id: str
    agency_id: str
    code: str
    category: str
    unit: str
    is_active: bool
    default_funding_source: str | None
    attributes_schema: dict[str, Any] | None

    @classmethod
    def of(cls, policy: Policy) -> "PolicyRef":
        return cls(*(getattr(policy, name) for name in cls._fields))


class ExistingRef(NamedTuple):
    """A saved record's values, enough to tell whether a resend changes it."""

    id: str
    agency_id: str
    external_ref: str | None
    household_id: str
    policy_id: str
    category: str
    delivered_on: date
    amount_vnd: int | None
    quantity: int | None
    funding_source: str
    status: str
    attributes: dict[str, Any]
    note: str | None
    need_id: str | None


class NeedRef(NamedTuple):
    """A need a support says it meets."""

    id: str
    household_id: str
    status: str
    met_by_support_id: str | None


@dataclass
class Refs:
    """What a batch of items refers to, loaded once."""

    principal: Principal
    households: dict[str, HouseholdRef] = field(default_factory=dict)
    policies: dict[str, PolicyRef] = field(default_factory=dict)
    own_codes: dict[str, PolicyRef] = field(default_factory=dict)
    existing: dict[tuple[str, str], ExistingRef] = field(default_factory=dict)
    needs: dict[str, NeedRef] = field(default_factory=dict)
    validators: dict[str, Draft202012Validator] = field(default_factory=dict)
    # Read once for the whole batch, not once per item.
    today: date = field(default_factory=lambda: today_in_vietnam())
    checked: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)

    def policy_of(self, item: SupportIn) -> PolicyRef | None:
        if item.policy_id:
            return self.policies.get(item.policy_id)
        return self.own_codes.get(item.policy_code or "")

    def policy_by_id(self, policy_id: str) -> PolicyRef | None:
        """A policy loaded for this batch, named by id or (an agency's) by code."""
        if policy_id in self.policies:
            return self.policies[policy_id]
        return next((p for p in self.own_codes.values() if p.id == policy_id), None)

    def validator(self, policy: PolicyRef) -> Draft202012Validator:
        if policy.id not in self.validators:
            self.validators[policy.id] = Draft202012Validator(policy.attributes_schema)
        return self.validators[policy.id]


def load_refs(session: Session, *, principal: Principal, items: list[SupportIn]) -> Refs:
    """Households the caller may see, the policies named, and the records to update."""
    refs = Refs(principal=principal)
    household_ids = sorted({i.household_id for i in items})
    columns = (Household.id, Household.place_path, Household.archived_at)
    for part in lookups(session, household_ids):
        for row in session.exec(select(*columns).where(any_of(Household.id, part, session))):
            refs.households[row.id] = HouseholdRef(*row)
    # Policies by id unscoped, so another agency's policy gets a clear error, not "unknown".
    policy_ids = sorted({i.policy_id for i in items if i.policy_id})
    for part in lookups(session, policy_ids):
        stmt = select(Policy).where(any_of(Policy.id, part, session))
        stmt = stmt.execution_options(unscoped=True)
        refs.policies.update((p.id, PolicyRef.of(p)) for p in session.exec(stmt))
    codes = sorted({i.policy_code for i in items if i.policy_code and not i.policy_id})
    if codes and principal.kind == "agency":
        for part in lookups(session, codes):
            stmt = select(Policy).where(
                Policy.agency_id == principal.id, any_of(Policy.code, part, session)
            )
            refs.own_codes.update((p.code, PolicyRef.of(p)) for p in session.exec(stmt))
    wanted: dict[str, set[str]] = defaultdict(set)
    for item in items:
        policy = refs.policy_of(item)
        if policy is not None and item.external_ref:
            wanted[policy.agency_id].add(item.external_ref)
    for agency_id, external_refs in wanted.items():
        refs.existing.update(find_existing(session, agency_id, sorted(external_refs)))
    need_ids = sorted({i.need_id for i in items if i.need_id})
    columns = (Need.id, Need.household_id, Need.status, Need.met_by_support_id)
    for part in lookups(session, need_ids):
        for row in session.exec(select(*columns).where(any_of(Need.id, part, session))):
            refs.needs[row.id] = NeedRef(*row)
    return refs


def find_existing(
    session: Session, agency_id: str, external_refs: list[str]
) -> dict[tuple[str, str], ExistingRef]:
    """The records saved under these references that the caller may see (not locked)."""
    columns = [Support.id, Support.agency_id, Support.external_ref]
    columns += [getattr(Support, name) for name in VALUE_FIELDS]
    found = {}
    for part in lookups(session, external_refs):
        stmt = select(*columns).where(
            Support.agency_id == agency_id, any_of(Support.external_ref, part, session)
        )
        for row in session.exec(stmt):
            found[(row.agency_id, row.external_ref)] = ExistingRef(*row)
    return found


def _coerce(value: Any, kind: Any) -> Any:
    """A CSV cell (text) as the type the policy's schema asks for, when it reads as one."""
    if not isinstance(value, str) or kind not in ("integer", "number", "boolean"):
        return value
    text = value.strip()
    if kind == "boolean":
        return {"true": True, "false": False, "1": True, "0": False}.get(text.lower(), value)
    try:
        number = float(text) if kind == "number" else int(text)
    except ValueError:
        return value
    return int(number) if kind == "number" and number.is_integer() else number


def _attribute_errors(refs: Refs, policy: PolicyRef, attributes: dict[str, Any]) -> list[dict]:
    errors = []
    for error in refs.validator(policy).iter_errors(attributes):
        pointer = "/attributes" + "".join(f"/{part}" for part in error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [p for p in error.validator_value if p not in error.instance]
            pointer += f"/{missing[0]}" if missing else ""
        errors.append({"pointer": pointer, "detail": error.message})
    return sorted(errors, key=lambda e: e["pointer"])


def prepare(
    item: SupportIn,
    refs: Refs,
    *,
    require_ref: bool = True,
    csv_attributes: bool = False,
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The row's values for this item, or the errors (each naming its field)."""
    principal = refs.principal
    errors: list[dict[str, str]] = []

    def fail(pointer: str, detail: str) -> None:
        errors.append({"pointer": pointer, "detail": detail})

    household = refs.households.get(item.household_id)
    if household is None:
        fail("/household_id", "unknown household (or outside the places you may see)")
    elif household.archived_at is not None:
        fail("/household_id", "the household is archived")
    policy = refs.policy_of(item)
    pointer = "/policy_id" if item.policy_id else "/policy_code"
    if item.policy_code and principal.kind != "agency" and not item.policy_id:
        fail("/policy_code", "policy_code is for agencies; give policy_id")
    elif policy is None:
        fail(pointer, "unknown policy")
    elif principal.kind == "agency" and policy.agency_id != principal.id:
        fail(pointer, "the policy belongs to another agency; record supports of your own")
        policy = None
    elif item.policy_code and item.policy_id and policy.code != item.policy_code:
        fail("/policy_code", "does not match policy_id")
    elif not policy.is_active:
        fail(pointer, "the policy is inactive")
    if require_ref and principal.kind == "agency" and not item.external_ref:
        fail("/external_ref", "required for agencies: it makes a resend update the same record")
    if item.status in HAPPENED_STATUSES and item.delivered_on > refs.today:
        fail("/delivered_on", f"a {item.status} support cannot be dated in the future")
    if item.delivered_on < EARLIEST:
        fail("/delivered_on", f"before {EARLIEST.isoformat()}")
    attributes = item.attributes
    text = repr(attributes)
    if attributes and len(text) > MAX_ATTRIBUTES_BYTES:  # repr: cheap, near enough
        fail("/attributes", f"larger than {MAX_ATTRIBUTES_BYTES} bytes")
    funding_source = item.funding_source
    if policy is not None:
        if item.status in LOAN_STATUSES and policy.unit != "loan":
            fail("/status", f"{item.status} is for loans; this policy's unit is {policy.unit}")
        if policy.unit in ("vnd", "loan") and item.amount_vnd is None:
            fail("/amount_vnd", f"required: the policy is counted in {policy.unit}")
        funding_source = funding_source or policy.default_funding_source
        if funding_source is None:
            fail("/funding_source", "required: the policy has no default funding source")
        schema = policy.attributes_schema
        if schema:
            if csv_attributes:
                kinds = {k: v.get("type") for k, v in schema.get("properties", {}).items()}
                attributes = {k: _coerce(v, kinds.get(k)) for k, v in attributes.items()}
                text = repr(attributes)
            key = (policy.id, text)  # many records repeat the same attributes
            if key not in refs.checked:
                refs.checked[key] = _attribute_errors(refs, policy, attributes)
            errors.extend(refs.checked[key])
    if item.need_id:
        _check_need(refs, item, policy.agency_id if policy else None, fail)
    if errors or policy is None:
        return None, errors
    return {
        "agency_id": policy.agency_id,
        "external_ref": item.external_ref,
        "household_id": item.household_id,
        "policy_id": policy.id,
        "category": policy.category,
        "delivered_on": item.delivered_on,
        "amount_vnd": item.amount_vnd,
        "quantity": item.quantity,
        "funding_source": funding_source,
        "status": item.status,
        "attributes": attributes,
        "note": item.note,
        "need_id": item.need_id,
    }, []


def _check_need(refs: Refs, item: SupportIn, agency_id: str | None, fail) -> None:
    """The need must be this household's, and open (or already met by this same record)."""
    need = refs.needs.get(item.need_id)
    if need is None or need.household_id != item.household_id:
        fail("/need_id", "unknown need of this household")
    elif need.status == "cancelled":
        fail("/need_id", "the need was cancelled")
    elif need.status == "met":
        resent = refs.existing.get((agency_id, item.external_ref)) if item.external_ref else None
        if resent is None or resent.id != need.met_by_support_id:
            fail("/need_id", "the need is already met by another support")


def existing_for(refs: Refs, values: dict[str, Any]) -> ExistingRef | None:
    if not values["external_ref"]:
        return None
    return refs.existing.get((values["agency_id"], values["external_ref"]))


def unchanged(record: Any, values: dict[str, Any]) -> bool:
    """True when a saved record (row, mapping or model) already holds these values."""
    if isinstance(record, dict):
        return all(record[name] == values[name] for name in VALUE_FIELDS)
    return all(getattr(record, name) == values[name] for name in VALUE_FIELDS)


def moved(record: Any, values: dict[str, Any]) -> list[dict[str, str]]:
    """The errors of a resend that would move a saved record to another household or policy
    (empty when it names the same ones). Silently moving it would rewrite another household's
    history; the agency must record the new support under its own external_ref."""
    errors = []
    for name in FIXED_FIELDS:
        saved = record[name] if isinstance(record, dict) else getattr(record, name)
        if saved != values[name]:
            detail = (
                f"external_ref {values['external_ref']!r} already names a support with "
                f"{name} {saved!r}; a resend cannot change it to {values[name]!r}: record the "
                "new support under another external_ref (and cancel the old one if wrong)"
            )
            errors.append({"pointer": f"/{name}", "detail": detail})
    return errors
