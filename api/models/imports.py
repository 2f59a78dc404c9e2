"""Import jobs: one upload of a household list, its report and the rows of its errors file."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field


class ImportJob(SQLModel, table=True):
    __tablename__ = "import_jobs"
    __table_args__ = (
        Index(
            "ix_import_jobs_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("imp")
    kind: str = Field(default="households", max_length=16)
    place_id: str = Field(foreign_key="places.id", index=True)
    place_path: str = Field(max_length=1000)
    file_name: str | None = Field(default=None, max_length=255)
    file_kind: str = Field(max_length=8)  # xlsx | csv
    mode: str = Field(max_length=16)  # validate | commit
    atomic: str = Field(max_length=8)  # all | row
    status: str = Field(max_length=16)  # valid | invalid | committed | partial | rejected
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # zlib-compressed JSON of the errors file (the original rows plus an error column).
    errors_file: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
