"""Reading values out of a submitted HTML form."""

from starlette.datastructures import FormData


def form_text(form: FormData, name: str) -> str:
    """A text field's value; a missing field or an uploaded file counts as blank."""
    value = form.get(name)
    return value if isinstance(value, str) else ""
