"""A short-lived cache of the API's reference lists (places, ethnicities, policies).

Almost every screen shows names from these lists, and a province's places take two pages of
500; fetching them again for every page cost more than the rest of a household profile.
Entries are per caller (the bearer token: a commune officer sees other places than an
administrator) and per language, live `ttl` seconds, and are dropped as soon as the same
caller writes to one of these resources through the web app, so officers always see their
own changes at once; someone else's new place or policy shows up within `ttl` seconds.
"""

import time
from collections import OrderedDict
from collections.abc import Callable

Key = tuple[str, str, str]  # caller (a hash of the token), language, path with query


class ReferenceCache:
    """Answers (status 200 bodies) of GETs on reference paths, least recently used dropped."""

    def __init__(
        self, *, ttl: float = 60.0, max_entries: int = 256, clock: Callable[[], float] | None = None
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock or time.monotonic
        self._entries: OrderedDict[Key, tuple[float, bytes]] = OrderedDict()

    def get(self, key: Key) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, body = entry
        if expires <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return body

    def put(self, key: Key, body: bytes) -> None:
        self._entries[key] = (self._clock() + self.ttl, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget_caller(self, caller: str) -> None:
        """After this caller changed a reference resource: their next read asks the API."""
        for key in [key for key in self._entries if key[0] == caller]:
            del self._entries[key]
