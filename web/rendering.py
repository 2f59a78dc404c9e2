"""Jinja2 environment (autoescaped, gettext-aware) and the page/fragment render helpers."""

from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from web.deps import current_session
from web.htmx import add_vary, wants_fragment
from web.i18n import locale_from, translations_for
from web.i18n.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
)
from web.labels import YES_NO_UNKNOWN, label_msgid

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
HTMX_SCRIPT = "/static/vendor/htmx-2.0.11.min.js"


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    return context["translations"].gettext(message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
    return context["translations"].ngettext(singular, plural, n)


@jinja2.pass_context
def _money_filter(context: jinja2.runtime.Context, amount: int | None) -> str:
    return format_money(amount, context["locale"])


@jinja2.pass_context
def _number_filter(context: jinja2.runtime.Context, value: int | float | None) -> str:
    return format_number(value, context["locale"])


@jinja2.pass_context
def _percent_filter(
    context: jinja2.runtime.Context, value: float | None, decimals: int | None = None
) -> str:
    return format_percent(value, context["locale"], decimals)


@jinja2.pass_context
def _label_filter(context: jinja2.runtime.Context, code: str | None, kind: str) -> str:
    msgid = label_msgid(kind, code)
    if msgid is None:
        return code or "—"  # a code the web doesn't know yet: show it rather than hide it
    return context["translations"].gettext(msgid)


@jinja2.pass_context
def _label_pair_filter(context: jinja2.runtime.Context, code: str, kind: str) -> tuple[str, str]:
    """``code`` with its translated label, as a (value, text) pair for a select option."""
    return code, _label_filter(context, code, kind)


@jinja2.pass_context
def _yes_no_filter(context: jinja2.runtime.Context, value: bool | None) -> str:
    key = "" if value is None else ("yes" if value else "no")
    return context["translations"].gettext(YES_NO_UNKNOWN[key])


@jinja2.pass_context
def _person_option(context: jinja2.runtime.Context, person: Any) -> tuple[str, str]:
    """A person as a select option: their name and organisation."""
    return (
        person.id,
        f"{person.full_name} · {_label_filter(context, person.organisation, 'organisation')}",
    )


@jinja2.pass_context
def _need_option(context: jinja2.runtime.Context, need: Any) -> tuple[str, str]:
    text = _label_filter(context, need.category, "category")
    if need.indicator_code:
        text += f" ({need.indicator_code})"
    if need.description:
        text += f": {need.description}"
    return need.id, text


@jinja2.pass_context
def _policy_option(context: jinja2.runtime.Context, policy: Any) -> tuple[str, str]:
    name = policy.name_in(context["locale"])
    return policy.id, f"{name} · {_label_filter(context, policy.category, 'category')}"


def _path_segment_filter(value: str) -> str:
    """Quote an opaque id for use as one URL path segment (Jinja's urlencode keeps "/")."""
    return quote(value, safe="")


def build_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Translations come from each render's context, so concurrent requests in different
    # languages never share global gettext state.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        money=_money_filter,
        number=_number_filter,
        percent=_percent_filter,
        date=format_date,
        datetime=format_datetime,
        label=_label_filter,
        yes_no=_yes_no_filter,
        path_segment=_path_segment_filter,
        label_pair=_label_pair_filter,
        person_option=_person_option,
        need_option=_need_option,
        policy_option=_policy_option,
    )
    return env


templates = Jinja2Templates(env=build_environment())


def base_context(request: Request) -> dict[str, Any]:
    session = current_session(request)
    officer = session.officer if session is not None and session.is_authenticated else None
    path = request.url.path
    return {
        "locale": locale_from(request),
        "translations": translations_for(request),
        "officer": officer,
        "csrf_token": session.csrf_token if session is not None else "",
        "current_path": f"{path}?{request.url.query}" if request.url.query else path,
        "htmx_script": HTMX_SCRIPT,
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, template, {**base_context(request), **(context or {})}, status_code=status_code
    )


def render_page_or_fragment(
    request: Request,
    *,
    page: str,
    fragment: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """One URL, two shapes: the fragment for htmx, the whole page otherwise."""
    template = fragment if wants_fragment(request) else page
    return add_vary(render(request, template, context, status_code=status_code))
