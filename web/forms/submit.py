"""Running one API write for a form: success, or the refusal put into the form."""

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import Request

from web.client_base import ApiError, ApiUnavailable
from web.errors import API_UNAVAILABLE
from web.forms.state import FormState
from web.i18n import translations_for

FORM_PROBLEM_STATUSES = frozenset({400, 409, 422})
VERSION_MISMATCH_STATUSES = frozenset({412, 428})

ResultT = TypeVar("ResultT")


@dataclass
class Outcome(Generic[ResultT]):
    """What the API answered: ``value`` on success, else the status to re-render with
    (422 for a refusal, 503 when the API is down, 412 when the record changed)."""

    value: ResultT | None = None
    status: int | None = None
    problem: ApiError | None = None

    @property
    def ok(self) -> bool:
        return self.status is None

    @property
    def conflict(self) -> bool:
        return self.status == 412


async def submit(
    request: Request,
    form: FormState,
    call: Awaitable[ResultT],
    *,
    aliases: dict[str, str] | None = None,
) -> Outcome[ResultT]:
    """Await ``call``; a refusal's messages go beside their fields in ``form``. Other API
    errors (403, 404, 500 …) propagate to the error pages."""
    gettext = translations_for(request).gettext
    try:
        return Outcome(value=await call)
    except ApiUnavailable:
        form.form_errors.append(gettext(API_UNAVAILABLE.message))
        return Outcome(status=503)
    except ApiError as exc:
        if exc.status in VERSION_MISMATCH_STATUSES:
            return Outcome(status=412, problem=exc)
        if exc.status not in FORM_PROBLEM_STATUSES:
            raise
        form.apply_problem(exc, gettext, aliases=aliases)
        return Outcome(status=422, problem=exc)


async def or_default(call: Awaitable[ResultT], default: ResultT) -> ResultT:
    """What the API answers, or ``default`` while it is down: a form refused because the
    API is down is still shown again with everything the officer typed."""
    try:
        return await call
    except ApiUnavailable:
        return default
