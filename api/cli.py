"""The `giamngheo` command: serve, migrate, create-admin, demo."""

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

import uvicorn
from pydantic import ValidationError
from sqlmodel import Session, select

from api.auth.passwords import Passwords, check_password_rules
from api.db import make_engine
from api.demo.commune import load_demo_commune
from api.errors import DomainError
from api.migrate import upgrade
from api.models import User
from api.risk.command import refresh_risk
from api.settings import Settings, get_settings


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
    uvicorn.run(
        "api.main:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
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
    print(load_demo_commune(engine, settings=settings, seed=args.seed))
    return 0


def cmd_refresh_risk(args) -> int:
    settings = _settings()
    changed = refresh_risk(database_url=settings.database_url, as_of=args.as_of)
    print(f"Visit due dates and re-poverty risk refreshed: {changed} households changed.")
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

    demo = sub.add_parser("demo", help="load a small demo commune (idempotent)")
    demo.add_argument("--seed", type=int, default=2018)
    demo.set_defaults(func=cmd_demo)
    refresh = sub.add_parser(
        "refresh-risk", help="recompute visit due dates and re-poverty risk (run daily)"
    )
    refresh.add_argument("--as-of", type=date.fromisoformat, default=None)
    refresh.set_defaults(func=cmd_refresh_risk)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
