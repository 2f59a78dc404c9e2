"""Map the JSON Pointers of an API problem's ``errors`` to HTML form field names."""

FORM_BODY_SEGMENT = "body"


def field_name_from_pointer(pointer: str) -> str:
    """``/members/0/citizen_id`` -> ``members.0.citizen_id``; ``/head_name`` -> ``head_name``.

    An empty pointer (the whole body) gives ``""``. A leading ``/body`` segment, as
    FastAPI's default error locations have, is dropped so either style maps the same way.
    """
    segments = [
        segment.replace("~1", "/").replace("~0", "~")  # RFC 6901 unescaping, in this order
        for segment in pointer.split("/")[1:]
    ]
    if segments and segments[0] == FORM_BODY_SEGMENT:
        segments = segments[1:]
    return ".".join(segments)


def member_field_name(index: int, field: str) -> str:
    return f"members.{index}.{field}"
