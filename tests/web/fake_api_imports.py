"""The fake API's household imports (api/imports): upload, report, errors file, template."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.web.fake_api_core import API, FakeState, problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report(state: FakeState, *, name: str, content: bytes, mode: str, atomic: str) -> dict:
    """One error for every line that says "LỖI"; the other lines are good households."""
    lines = content.decode("utf-8-sig").splitlines()[1:]
    bad = [index + 2 for index, line in enumerate(lines) if "LỖI" in line]
    good = len(lines) - len(bad)
    saved = mode == "commit" and (atomic == "row" or not bad)
    if mode == "validate":
        status = "invalid" if bad else "valid"
    elif bad:
        status = "partial" if atomic == "row" else "rejected"
    else:
        status = "committed"
    import_id = f"imp-{len(state.imports) + 1}"
    body = {
        "id": import_id,
        "status": status,
        "mode": mode,
        "atomic": atomic,
        "saved": saved,
        "place": {"id": "p-long-hoa", "code": "29365", "name": "Xã Long Hòa"},
        "file": {
            "name": name,
            "kind": "csv",
            "sheet": None,
            "encoding": "utf-8",
            "header_row": 1,
            "rows": len(lines),
        },
        "stats": {
            "created": good if saved else 0,
            "updated": 0,
            "ignored": 0,
            "failed": len(bad),
            "skipped": 0 if saved else good,
            "total": len(lines),
        },
        "warnings": [],
        "errors": [
            {
                "row": row,
                "column": "E",
                "header": "Dân tộc",
                "value": "LỖI",
                "message_vi": "Dân tộc không có trong danh mục.",
                "message_en": "Unknown ethnicity.",
            }
            for row in bad
        ],
        "errors_truncated": False,
        "errors_file": f"/api/v1/imports/{import_id}/errors" if bad else None,
    }
    state.imports.append(body)
    return body


def install_import_routes(app: FastAPI, state: FakeState) -> None:
    @app.post(f"{API}/imports/households")
    async def import_households(
        request: Request, mode: str = "commit", atomic: str = "all", place_id: str = ""
    ) -> Any:
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            return problem(422, "Invalid input", "Send the file in the form field 'file'.")
        content = await upload.read()
        if not content.startswith(b"\xef\xbb\xbf") and b"," not in content:
            return problem(
                422,
                "Invalid input",
                "This is not an Excel or CSV file.",
                detail_vi="Tệp không phải Excel hoặc CSV.",
            )
        body = report(state, name=upload.filename or "", content=content, mode=mode, atomic=atomic)
        if body["status"] == "rejected":
            return problem(422, "Invalid input", "rows are invalid", report=body)
        return body

    @app.get(f"{API}/imports/households/template")
    async def template(format: str = "xlsx") -> Response:
        headers = {"Content-Disposition": f'attachment; filename="mau-danh-sach-ho.{format}"'}
        return Response(b"PK\x03\x04template", media_type=XLSX, headers=headers)

    @app.get(f"{API}/imports")
    async def list_imports() -> Any:
        items = [
            {
                "id": job["id"],
                "kind": "households",
                "place_id": "p-long-hoa",
                "file_name": job["file"]["name"],
                "file_kind": "csv",
                "mode": job["mode"],
                "atomic": job["atomic"],
                "status": job["status"],
                "stats": job["stats"],
                "created_by": "u-1",
                "created_at": "2026-11-28T08:00:00Z",
            }
            for job in reversed(state.imports)
        ]
        return {"items": items, "next_page_token": None}

    @app.get(f"{API}/imports/{{import_id}}")
    async def read_import(import_id: str) -> Any:
        job = next((j for j in state.imports if j["id"] == import_id), None)
        return JSONResponse(job) if job else problem(404, "Not found", "No such import.")

    @app.get(f"{API}/imports/{{import_id}}/errors")
    async def errors_file(import_id: str, format: str = "xlsx") -> Response:
        headers = {"Content-Disposition": f'attachment; filename="loi-nhap-{import_id}.{format}"'}
        return Response(b"PK\x03\x04errors", media_type=XLSX, headers=headers)
