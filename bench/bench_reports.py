"""Benchmark of issue 6: the demo district's load time, the whole report set on it, and the
import of a whole district's household list (30,000 rows) from one XLSX, on SQLite and
PostgreSQL.

    .venv/bin/python bench/bench_reports.py [--backends sqlite,postgresql] [--runs 15]
                                            [--size full] [--import-rows 30000] [--keep]

Each backend gets its own fresh database (a temporary SQLite file; a PostgreSQL database
created on GIAMNGHEO_TEST_POSTGRES_URL's server and dropped at the end unless --keep). The
reports run in-process through the ASGI app (TestClient), as the district administrator and
as a commune officer (scoped), so the figures are the API's own time: routing, scoping, SQL,
serialisation. Prints one table per backend.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.db import make_engine  # noqa: E402
from api.demo.district import DEMO_PASSWORD, load_demo_district  # noqa: E402
from api.demo.district_names import COMMUNES  # noqa: E402
from api.main import create_app  # noqa: E402
from api.migrate import upgrade  # noqa: E402
from api.settings import Settings  # noqa: E402

ADMIN_URL = os.environ.get(
    "GIAMNGHEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REPORTS = [
    ("poverty-rate 2016", "/api/v1/reports/poverty-rate", {"year": 2016}),
    (
        "poverty-rate 2018 by ethnicity",
        "/api/v1/reports/poverty-rate",
        {"year": 2018, "by": "ethnicity"},
    ),
    ("poverty-rate 2018 xlsx", "/api/v1/reports/poverty-rate", {"year": 2018, "format": "xlsx"}),
    ("transitions 2016-2018", "/api/v1/reports/transitions", {"from_year": 2016, "to_year": 2018}),
    ("progress", "/api/v1/reports/progress", {}),
    ("supports 2018 by category", "/api/v1/reports/supports", {"year": 2018}),
    ("supports 2018 by agency", "/api/v1/reports/supports", {"year": 2018, "by": "agency"}),
    ("support-coverage 2018", "/api/v1/reports/support-coverage", {"year": 2018}),
    ("needs 2018", "/api/v1/reports/needs", {"year": 2018}),
    ("visit-coverage 2018", "/api/v1/reports/visit-coverage", {"year": 2018}),
    ("workload 2018", "/api/v1/reports/workload", {"year": 2018}),
    ("assignment-stability 2018", "/api/v1/reports/assignment-stability", {"year": 2018}),
    ("early-warning (500 rows)", "/api/v1/reports/early-warning", {}),
    ("early-warning csv", "/api/v1/reports/early-warning", {"format": "csv"}),
    ("duplicates (page of 50)", "/api/v1/duplicates", {}),
]


def settings_for(url: str) -> Settings:
    return Settings(
        env="development",
        database_url=url,
        secret_key="bench-secret-key-0123456789",
        argon2_time_cost=1,
        argon2_memory_cost=8192,
        web_session_file="",
        webhook_worker_enabled=False,
        log_level="WARNING",
    )


def databases(backends: list[str], keep: bool):
    for backend in backends:
        if backend == "sqlite":
            folder = tempfile.mkdtemp(prefix="gn-bench-")
            yield backend, f"sqlite:///{folder}/bench.db", None
            continue
        name = f"gn_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield backend, ADMIN_URL.rsplit("/", 1)[0] + "/" + name, name
        finally:
            if not keep:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def token(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_reports(client: TestClient, headers, runs: int) -> list[tuple[str, float, float]]:
    results = []
    for name, path, params in REPORTS:
        client.get(path, params=params, headers=headers).raise_for_status()  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path, params=params, headers=headers).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        results.append((name, statistics.median(times), percentile(times, 0.95)))
    return results


def district_list(rows: int) -> bytes:
    """A whole district's list: commune and hamlet named on every row, head and ID."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách hộ")
    sheet.append(
        [
            "Mã hộ",
            "Họ tên chủ hộ",
            "Xã/Thị trấn",
            "Ấp/Khóm",
            "Dân tộc",
            "Giới tính chủ hộ",
            "Năm sinh chủ hộ",
            "Số điện thoại",
            "Ngày vào sổ",
        ]
    )
    for i in range(rows):
        _suffix, name, *_, hamlets = COMMUNES[i % len(COMMUNES)]
        sheet.append(
            [
                f"NK-{i:06d}",
                f"Nguyễn Văn Nhập {i}",
                name,
                hamlets[i % len(hamlets)],
                "Khmer" if i % 4 == 0 else "Kinh",
                "Nam" if i % 3 else "Nữ",
                1950 + i % 50,
                f"09{i:08d}",
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/2019",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_import(client: TestClient, headers, data: bytes) -> list[tuple[str, float, str]]:
    results = []
    for label in ("import (all created)", "re-import (all unchanged)"):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/imports/households",
            params={"place_code": "DEMO-TV-CK", "mode": "commit", "atomic": "all"},
            files={"file": ("district.xlsx", data)},
            headers=headers,
        )
        seconds = time.perf_counter() - started
        response.raise_for_status()
        stats = response.json()["stats"]
        results.append((label, seconds, f"{stats}"))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--size", default="full", choices=("full", "small"))
    parser.add_argument("--import-rows", type=int, default=30_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workbook = district_list(args.import_rows)
    print(f"District list: {args.import_rows:,} rows, {len(workbook) / 1e6:.1f} MB XLSX\n")
    for backend, url, _name in databases(args.backends.split(","), args.keep):
        upgrade(url)
        settings = settings_for(url)
        engine = make_engine(url)
        started = time.perf_counter()
        print(load_demo_district(engine, settings=settings, size=args.size).splitlines()[0])
        load = time.perf_counter() - started
        app = create_app(settings, engine=engine, with_web=False)
        with TestClient(app) as client:
            admin, officer = token(client, "admin"), token(client, "canbo.hoaan")
            as_admin = run_reports(client, admin, args.runs)
            as_officer = run_reports(client, officer, args.runs)
            imports = run_import(client, admin, workbook)
        engine.dispose()
        print(f"\n## {backend}: demo district ({args.size}) loaded in {load:.1f} s\n")
        print("| report | admin p50 ms | admin p95 ms | officer p50 ms | officer p95 ms |")
        print("|---|---:|---:|---:|---:|")
        for (name, p50, p95), (_, o50, o95) in zip(as_admin, as_officer, strict=True):
            print(f"| {name} | {p50:.0f} | {p95:.0f} | {o50:.0f} | {o95:.0f} |")
        total = sum(p50 for _, p50, _ in as_admin)
        print(
            f"| **whole set (sum of p50)** | **{total:.0f}** | | "
            f"**{sum(p50 for _, p50, _ in as_officer):.0f}** | |"
        )
        print()
        for label, seconds, stats in imports:
            rate = args.import_rows / seconds
            print(f"- {label}: {seconds:.1f} s, {rate:,.0f} rows/s ({stats})")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
