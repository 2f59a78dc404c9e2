"""`giamngheo import FILE --commune CODE`: the household-list import from the command line,
as the system user; prints the report and writes the errors file beside the input."""

from pathlib import Path

from sqlmodel import Session

from api.auth.principal import SYSTEM
from api.db import make_engine
from api.errors import DomainError
from api.imports import files, service
from api.settings import Settings

LABELS = {
    "valid": "Hợp lệ / valid: nothing saved (mode=validate)",
    "invalid": "Có lỗi / invalid: nothing saved (mode=validate)",
    "committed": "Đã lưu / saved",
    "partial": "Đã lưu các dòng đúng / the valid rows were saved (atomic=row)",
    "rejected": "Chưa lưu dòng nào / nothing saved (atomic=all)",
}


def import_file(
    settings: Settings,
    path: Path,
    *,
    place_code: str,
    mode: str,
    atomic: str,
    sheet: str | None = None,
) -> tuple[int, str]:
    """Run the import; (exit status, what to print)."""
    if not path.is_file():
        return 2, f"Không có tệp / no such file: {path}"
    size = path.stat().st_size
    if size > settings.max_body_bytes:
        limit = settings.max_body_bytes
        return 2, (
            f"Tệp quá lớn ({size:,} byte, tối đa {limit:,}) / the file is too large "
            f"({size:,} bytes, at most {limit:,})."
        )
    engine = make_engine(settings.database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                place = service.find_target(session, SYSTEM, place_id=None, place_code=place_code)
                job = service.run_import(
                    session,
                    principal=SYSTEM,
                    data=path.read_bytes(),
                    file_name=path.name,
                    place=place,
                    mode=mode,
                    atomic=atomic,
                    sheet_name=sheet,
                )
            except DomainError as exc:
                return 1, _problem(exc)
            session.commit()
            errors_path = None
            content = service.errors_content(job)
            if content is not None:
                errors_path = path.with_name(f"{path.stem}-loi.xlsx")
                errors_path.write_bytes(files.errors_xlsx(content))
    finally:
        engine.dispose()
    ok = job.status in ("valid", "committed")
    return (0 if ok else 1), describe(job.report, errors_path)


def _problem(exc: DomainError) -> str:
    lines = [exc.extra.get("detail_vi") or "", exc.detail]
    return "\n".join(line for line in lines if line)


def describe(report: dict, errors_path: Path | None) -> str:
    stats = report["stats"]
    lines = [
        f"{report['file']['name']} → {report['place']['name']}: {LABELS[report['status']]}",
        (
            f"  {stats['total']} dòng / rows: {stats['created']} mới / created, "
            f"{stats['updated']} cập nhật / updated, {stats['ignored']} không đổi / unchanged, "
            f"{stats['failed']} lỗi / failed, {stats['skipped']} chưa lưu / skipped"
        ),
    ]
    for warning in report["warnings"]:
        lines.append(f"  ! {warning['message_vi']} / {warning['message_en']}")
    for error in report["errors"]:
        where = f"dòng/row {error['row']}"
        if error["column"]:
            where += f", cột/column {error['column']} ({error['header']})"
        lines.append(f"  - {where}: {error['message_vi']}")
        lines.append(f"    {error['message_en']}")
    if errors_path is not None:
        lines.append(f"  Tệp lỗi / errors file: {errors_path}")
    return "\n".join(lines)
