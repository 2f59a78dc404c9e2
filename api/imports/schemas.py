"""Response shapes of /api/v1/imports."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ImportProblem(BaseModel):
    row: int = Field(description="Row number as the spreadsheet shows it")
    column: str | None = Field(description="Column letter (A, B, …)")
    header: str | None = Field(description="The column's header in the file")
    value: Any = None
    message_vi: str
    message_en: str


class ImportWarning(BaseModel):
    message_vi: str
    message_en: str


class ImportStats(BaseModel):
    created: int
    updated: int
    ignored: int = Field(description="Matched a household and changed nothing")
    failed: int
    skipped: int = Field(description="Valid rows not saved because another row failed")
    total: int


class ImportFile(BaseModel):
    name: str | None
    kind: Literal["xlsx", "csv"]
    sheet: str | None
    encoding: str | None
    header_row: int
    rows: int


class ImportReport(BaseModel):
    id: str
    status: Literal["valid", "invalid", "committed", "partial", "rejected"]
    mode: Literal["validate", "commit"]
    atomic: Literal["all", "row"]
    saved: bool
    place: dict[str, str]
    file: ImportFile
    stats: ImportStats
    warnings: list[ImportWarning]
    errors: list[ImportProblem]
    errors_truncated: bool
    errors_file: str | None = Field(description="Download: the rows with an error column")


class ImportJobPublic(BaseModel):
    id: str
    kind: str
    place_id: str
    file_name: str | None
    file_kind: str
    mode: str
    atomic: str
    status: str
    stats: dict[str, int]
    created_by: str | None
    created_at: datetime


class ImportJobPage(BaseModel):
    items: list[ImportJobPublic]
    next_page_token: str | None
    total: int | None = None
