"""The `giamngheo` command: serve, migrate, create-admin, demo, backup, restore, purge."""

import argparse
import getpass
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import uvicorn
from pydantic import ValidationError
from sqlmodel import Session, select

from api import retention
from api.auth.passwords import Passwords, check_password_rules
from api.backup import BackupError, backup, restore
from api.core.observability import uvicorn_log_config
from api.db import close_session, make_engine, plain_session_factory
from api.demo.district import SIZES, load_demo_district
from api.demo.sample_list import COMMUNE_CODE, write_sample_list
from api.errors import DomainError
from api.imports.command import import_file
from api.migrate import upgrade
from api.models import User
from api.reports.counts_refresh import rebuild_all
from api.risk.command import refresh_risk
from api.settings import REPO_ROOT, Settings, get_settings


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        messages = "; ".join(err["msg"] for err in exc.errors())
        sys.exit(f"giamngheo: invalid settings: {messages}")


def cmd_migrate(args) -> int:
    settings = _settings()
    _ensure_sqlite_folder(settings)
    upgrade(settings.database_url, args.revision)
    print(f"Database at {args.revision}: {_display_url(settings)}")
    return 0


def cmd_serve(args) -> int:
    settings = _settings()
    if not args.no_migrate:
        _ensure_sqlite_folder(settings)
        upgrade(settings.database_url)
    print(f"giamngheo on http://{args.host}:{args.port}  (API docs: /api/docs)", flush=True)
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # /metrics adds up every worker's counters through files in this folder.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="giamngheo-metrics-")
    uvicorn.run(
        "api.main:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
        # Our own JSON request log replaces the access log, which prints query strings.
        access_log=False,
        log_config=uvicorn_log_config(settings.log_level, settings.log_format),
    )
    return 0


def cmd_create_admin(args) -> int:
    settings = _settings()
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").strip()
    else:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat: "):
            print("The passwords differ.", file=sys.stderr)
            return 1
    username = args.username.strip().lower()
    try:
        check_password_rules(password, username=username)
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 1
    passwords = Passwords(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_cost
    )
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        if session.exec(select(User).where(User.username == username)).first():
            print(f"User {username!r} exists already.", file=sys.stderr)
            return 1
        session.add(
            User(
                username=username,
                full_name=args.full_name or username,
                password_hash=passwords.hash(password),
                role="admin",
            )
        )
        session.commit()
    print(f"Administrator {username!r} created.")
    return 0


def cmd_demo(args) -> int:
    settings = _settings()
    _ensure_sqlite_folder(settings)
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    print(load_demo_district(engine, settings=settings, seed=args.seed, size=args.size))
    engine.dispose()
    sample = write_sample_list(REPO_ROOT / "var")
    print(
        f"A hamlet's list to try the import with (two bad rows): {sample}\n"
        f"  giamngheo import {sample} --commune {COMMUNE_CODE} --mode validate"
    )
    return 0


def cmd_import(args) -> int:
    status, text = import_file(
        _settings(),
        Path(args.file),
        place_code=args.commune,
        mode=args.mode,
        atomic=args.atomic,
        sheet=args.sheet,
    )
    print(text, file=sys.stdout if status == 0 else sys.stderr)
    return status


def cmd_refresh_risk(args) -> int:
    settings = _settings()
    changed = refresh_risk(database_url=settings.database_url, as_of=args.as_of)
    print(f"Visit due dates and re-poverty risk refreshed: {changed} households changed.")
    return 0


def cmd_rebuild_report_counts(args) -> int:
    settings = _settings()
    engine = make_engine(settings.database_url)
    session = plain_session_factory(engine)(write=True)
    try:
        places = rebuild_all(session)
        session.commit()
    finally:
        close_session(session)
        engine.dispose()
    print(f"Report counts rebuilt from the records of {places} places.")
    return 0


def cmd_backup(args) -> int:
    settings = _settings()
    try:
        backend = backup(settings.database_url, Path(args.file))
    except BackupError as exc:
        print(f"giamngheo backup: {exc}", file=sys.stderr)
        return 1
    size = Path(args.file).stat().st_size
    print(f"Backup of {_display_url(settings)} ({backend}) written to {args.file}: {size} bytes")
    return 0


def cmd_restore(args) -> int:
    settings = _settings()
    try:
        backend = restore(settings.database_url, Path(args.file), force=args.force)
    except BackupError as exc:
        print(f"giamngheo restore: {exc}", file=sys.stderr)
        return 1
    print(f"{args.file} restored into {_display_url(settings)} ({backend}).")
    print("Run `giamngheo migrate` if the backup is older than this version of the code.")
    return 0


def cmd_purge(args) -> int:
    settings = _settings()
    session = plain_session_factory(make_engine(settings.database_url))(write=True)
    try:
        counts = retention.purge(session, settings)
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    finally:
        close_session(session)
    verb = "would delete" if args.dry_run else "deleted"
    for table, number in counts.items():
        print(f"{table}: {verb} {number}")
    return 0


def _ensure_sqlite_folder(settings: Settings) -> None:
    if settings.is_sqlite and ":memory:" not in settings.database_url:
        path = settings.database_url.split("///", 1)[-1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _display_url(settings: Settings) -> str:
    """The database URL without a password."""
    url = settings.database_url
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="giamngheo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate, then serve the API and the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-migrate", action="store_true", help="skip alembic upgrade")
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--revision", default="heads")
    migrate.set_defaults(func=cmd_migrate)

    admin = sub.add_parser("create-admin", help="create an administrator account")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password-file", help="file holding the password (else prompted)")
    admin.add_argument("--full-name")
    admin.set_defaults(func=cmd_create_admin)

    demo = sub.add_parser(
        "demo", help="load the demo district: 30,000 households, 2016-2018 (idempotent)"
    )
    demo.add_argument("--seed", type=int, default=2018)
    demo.add_argument("--size", choices=SIZES, default="full", help="small: about 1,500")
    demo.set_defaults(func=cmd_demo)
    imp = sub.add_parser("import", help="import a household list (XLSX or CSV)")
    imp.add_argument("file")
    imp.add_argument("--commune", required=True, help="code of the commune (or hamlet, district)")
    imp.add_argument("--mode", choices=("validate", "commit"), default="commit")
    imp.add_argument("--atomic", choices=("all", "row"), default="all")
    imp.add_argument("--sheet", help="the sheet to read (default: the first list found)")
    imp.set_defaults(func=cmd_import)
    refresh = sub.add_parser(
        "refresh-risk", help="recompute visit due dates and re-poverty risk (run daily)"
    )
    refresh.add_argument("--as-of", type=date.fromisoformat, default=None)
    refresh.set_defaults(func=cmd_refresh_risk)

    counts = sub.add_parser(
        "rebuild-report-counts",
        help="rebuild the reports' counts from the records (after editing tables by hand)",
    )
    counts.set_defaults(func=cmd_rebuild_report_counts)

    dump = sub.add_parser("backup", help="write a consistent backup of the database to FILE")
    dump.add_argument("file")
    dump.set_defaults(func=cmd_backup)
    load = sub.add_parser("restore", help="load a backup FILE into a new, empty database")
    load.add_argument("file")
    load.add_argument("--force", action="store_true", help="replace what the database holds")
    load.set_defaults(func=cmd_restore)
    purge = sub.add_parser("purge", help="delete rows past their retention (run daily)")
    purge.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    purge.set_defaults(func=cmd_purge)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
