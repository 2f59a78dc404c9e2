"""What the benchmarks share: a fresh PostgreSQL database, and a real uvicorn server on it.

The server runs as in production (`uvicorn api.main:create_app_from_env --factory` with N
worker processes) in a subprocess; `peak_rss_mb` reads each worker's high-water mark of
resident memory (VmHWM) from /proc.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get(
    "GIAMNGHEO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def libpq_url(url: str) -> str:
    """The same URL for psycopg itself (without SQLAlchemy's driver suffix)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _admin(sql: str) -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


def create_database(prefix: str = "gn_bench") -> tuple[str, str]:
    """A new empty database; returns (name, SQLAlchemy URL)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    return name, database_url(name)


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(prefix: str = "gn_bench", *, keep: bool = False) -> Iterator[str]:
    """A new database for the block (dropped afterwards unless keep); yields its URL."""
    name, url = create_database(prefix)
    try:
        yield url
    finally:
        if keep:
            print(f"kept database {name}: {url}", file=sys.stderr)
        else:
            drop_database(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like server process on this database."""
    return {
        **os.environ,
        "GIAMNGHEO_DATABASE_URL": url,
        "GIAMNGHEO_ENV": "production",
        "GIAMNGHEO_SECRET_KEY": secrets.token_urlsafe(32),
        "GIAMNGHEO_LOG_LEVEL": "WARNING",
        **extra,
    }


class Server:
    """A uvicorn server in a subprocess: start, wait until ready, read its memory, stop."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        app: str = "api.main:create_app_from_env",
        factory: bool = True,
        workers: int = 1,
        port: int | None = None,
        ready_path: str = "/readyz",
        stderr=None,
    ):
        self.app, self.factory, self.workers = app, factory, workers
        self.env, self.ready_path, self.stderr = env, ready_path, stderr
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> "Server":
        """Launch the process and wait until every worker answers."""
        return self.launch().wait_ready(timeout)

    def launch(self) -> "Server":
        """Start the process without waiting (launch several, then wait for each)."""
        command = [sys.executable, "-m", "uvicorn", self.app]
        if self.factory:
            command.append("--factory")
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--log-level", "warning", "--no-access-log"]
        self.process = subprocess.Popen(
            command, cwd=REPO, env=self.env, stderr=self.stderr, stdout=self.stderr
        )
        return self

    def wait_ready(self, timeout: float = 90) -> "Server":
        deadline = time.monotonic() + timeout
        ready = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                ok = httpx.get(self.base_url + self.ready_path, timeout=5).status_code == 200
            except httpx.HTTPError:
                ok = False
            # Every worker must be up: a few answers in a row, spread over the processes.
            ready = ready + 1 if ok else 0
            if ready >= 3 * self.workers and len(self.worker_pids()) >= self.workers:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not become ready")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        """The processes serving requests: the workers (or the process itself if just one)."""
        if self.process is None:
            return []
        children = _children(self.process.pid)
        # With --workers, uvicorn's supervisor spawns the workers (and a resource tracker).
        workers = [pid for pid in children if "resource_tracker" not in _cmdline(pid)]
        return workers or [self.process.pid]

    def peak_rss_mb(self) -> dict[int, float]:
        """Each worker's peak resident memory (VmHWM) in MB."""
        return {pid: _status_kb(pid, "VmHWM") / 1024 for pid in self.worker_pids()}


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
