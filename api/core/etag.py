"""Strong ETags from a row's version, and the If-Match rules for updates."""

from fastapi import Request, Response

from api.errors import PreconditionFailed, PreconditionRequired


def etag_of(record) -> str:
    """A strong validator: changes whenever the record's version does."""
    return f'"{record.id}.v{record.version}"'


def set_etag(response: Response, record) -> None:
    response.headers["ETag"] = etag_of(record)


def require_if_match(request: Request, record) -> None:
    """428 without If-Match, 412 when it names another version of the record."""
    header = request.headers.get("if-match")
    if not header:
        raise PreconditionRequired(
            "Send If-Match with the ETag you read, so that no one else's change is lost."
        )
    if header.strip() == "*":
        return
    tags = [tag.strip() for tag in header.split(",")]
    if etag_of(record) not in tags:
        raise PreconditionFailed(
            "Someone else changed this record since you read it; read it again.",
            current_etag=etag_of(record),
        )


def bump_version(record) -> None:
    record.version += 1
