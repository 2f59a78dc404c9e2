"""A token bucket per agency API key, in the memory of each worker process.

Per process on purpose: counting in the database would add a write to every agency request,
costing more than most requests themselves. The limit is a guard against a runaway client,
not a billing quota, so with N worker processes a key may reach up to N times the rate.
"""

import math
import threading
import time


class KeyRateLimiter:
    def __init__(self, *, per_minute: int, burst: int):
        self.rate = per_minute / 60.0
        self.burst = float(max(burst, 1))
        self._buckets: dict[str, tuple[float, float]] = {}  # key id -> (tokens, at)
        self._lock = threading.Lock()

    def wait_seconds(self, key_id: str) -> int:
        """Take one token for this key: 0 when allowed, else whole seconds to wait."""
        if self.rate <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(key_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return 0
            self._buckets[key_id] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))
