"""A small HTTP/1.1 load generator: keep-alive connections, prebuilt requests, asyncio.

A client written for the benchmark rather than httpx: it spends a few microseconds per
request, so on a 2-core machine most of the CPU stays with the server it measures.
"""

import asyncio
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

try:
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None

Request = Callable[[int], bytes]  # request number -> the raw request bytes


def request(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | dict | list | None = None,
) -> bytes:
    """The bytes of one HTTP/1.1 request."""
    if isinstance(body, dict | list):
        body = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **(headers or {})}
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return (
            statistics.quantiles(self.latencies, n=1000, method="inclusive")[int(p * 10) - 1] * 1000
        )

    def errors(self) -> dict[int, int]:
        return {status: n for status, n in self.statuses.items() if status >= 400}


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, b"".join(parts)
        parts.append(chunk[:-2])


async def _run(
    port: int,
    make: Request,
    *,
    connections: int,
    duration: float | None,
    requests: int | None,
    warmup: float,
    check: Callable[[int, bytes], None] | None,
    max_seconds: float | None = None,
) -> Result:
    counter = 0
    recording = False
    result = Result(seconds=0.0)
    stop_at = None

    async def client() -> None:
        nonlocal counter
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**24)
        try:
            while True:
                if stop_at is not None and time.perf_counter() >= stop_at:
                    return
                if requests is not None and counter >= requests and recording:
                    return
                number = counter
                counter += 1
                started = time.perf_counter()
                writer.write(make(number))
                status, body = await _read_response(reader)
                if recording:
                    result.latencies.append(time.perf_counter() - started)
                    result.statuses[status] += 1
                if check is not None:
                    check(status, body)
        finally:
            writer.close()

    if warmup:
        stop_at = time.perf_counter() + warmup
        await asyncio.gather(*(client() for _ in range(connections)))
    recording, counter = True, 0
    started = time.perf_counter()
    limit = duration if duration is not None else max_seconds
    stop_at = started + limit if limit is not None else None
    await asyncio.gather(*(client() for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


def run(
    port: int,
    make: Request,
    *,
    connections: int = 16,
    duration: float | None = None,
    requests: int | None = None,
    warmup: float = 1.0,
    check: Callable[[int, bytes], None] | None = None,
    max_seconds: float | None = None,
) -> Result:
    """Send requests on `connections` keep-alive connections, for `duration` seconds or until
    `requests` were sent (but no longer than `max_seconds`), after `warmup` seconds not
    counted."""
    coroutine = _run(
        port,
        make,
        connections=connections,
        duration=duration,
        requests=requests,
        warmup=warmup,
        check=check,
        max_seconds=max_seconds,
    )
    if uvloop is not None:
        return uvloop.run(coroutine)
    return asyncio.run(coroutine)
