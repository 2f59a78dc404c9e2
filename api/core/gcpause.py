"""Pausing Python's cyclic garbage collector while a request builds many objects."""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_resume = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off while the block runs; reference counting still frees what it
    can. A bulk request of 10,000 items keeps some 200,000 containers alive until it answers:
    each full collection walks them and the whole app again, a third of the request's CPU
    time. Concurrent requests share the pause: the collector comes back (if it was on) when
    the last one leaves, and collects what they left then, on its usual schedule."""
    global _holders, _resume
    with _lock:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _resume:
                gc.enable()
