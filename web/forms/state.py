"""Generic form state for the screens' forms: the officer's raw input (single values and
ticked boxes), the messages beside each field, and the messages above the form.

Each form module names its fields and builds its API payload from this state; the API's
problem pointers are mapped back here, so every form shows errors the same way.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from starlette.datastructures import FormData

from web.client_base import ApiError
from web.forms.fields import form_text
from web.forms.pointers import field_name_from_pointer
from web.forms.problem_messages import (
    describe_api_sentence,
    describe_field_problem,
    field_detail_vi,
)


@dataclass
class FormState:
    values: dict[str, str]
    lists: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)

    @classmethod
    def blank(cls, names: Iterable[str], lists: Iterable[str] = (), **initial: str) -> "FormState":
        values = dict.fromkeys(names, "")
        values.update(initial)
        return cls(values=values, lists={name: [] for name in lists})

    @classmethod
    def from_submission(
        cls, form: FormData, names: Iterable[str], lists: Iterable[str] = ()
    ) -> "FormState":
        values = {name: form_text(form, name) for name in names}
        ticked = {
            name: [value for value in form.getlist(name) if isinstance(value, str) and value]
            for name in lists
        }
        return cls(values=values, lists=ticked)

    def value_of(self, name: str) -> str:
        return self.values.get(name, "")

    def values_of(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def is_ticked(self, name: str, value: str) -> bool:
        return value in self.lists.get(name, [])

    def errors_for(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    def has_field(self, name: str) -> bool:
        return name in self.values or name in self.lists

    def add_error(self, name: str, message: str) -> None:
        if self.has_field(name):
            self.errors.setdefault(name, []).append(message)
        else:
            self.form_errors.append(message)

    def field_for_pointer(self, pointer: str, aliases: dict[str, str] | None = None) -> str:
        """The form field a pointer names: ``/shocks/1`` is the ``shocks`` group; a pointer
        the form has no field for (the whole body, say) gives ``""``."""
        parts = field_name_from_pointer(pointer).split(".")
        while parts:
            name = ".".join(parts)
            name = (aliases or {}).get(name, name)
            if self.has_field(name):
                return name
            parts.pop()
        return ""

    def apply_problem(
        self,
        problem: ApiError,
        gettext: Callable[[str], str],
        *,
        aliases: dict[str, str] | None = None,
    ) -> None:
        """Each of the API's messages beside its field; the rest above the form."""
        detail_vi = field_detail_vi(problem.detail_vi, len(problem.errors))
        for item in problem.errors:
            message = describe_field_problem(item, gettext, detail_vi=detail_vi)
            if problem.status == 409 and not item.code and problem.detail:
                # A conflict's items are terse ("already in charge (asg_…)"); its detail
                # is the sentence meant for a person.
                message = describe_api_sentence(
                    item.pointer, problem.detail, gettext, detail_vi=problem.detail_vi
                )
            name = self.field_for_pointer(item.pointer, aliases)
            if name:
                self.errors.setdefault(name, []).append(message)
            else:
                self.form_errors.append(message)
        if not problem.errors:
            self.form_errors.append(
                describe_api_sentence(
                    "", problem.detail or problem.title, gettext, detail_vi=problem.detail_vi
                )
            )
