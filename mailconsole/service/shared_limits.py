"""Sliding-window limits that every replica shares: the events are rows of the database (``Store.limit_*``), so
ten wrong secrets from one address lock it out whichever replicas they reached, and a tenant's connection tests
are counted once. Times are wall-clock seconds (replicas' clocks are assumed NTP-synchronised; a skew of a second
only shifts a window by that much)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from mailconsole.service.store import Store


class SharedWindowLimit:
    """``limits.WindowLimit`` over the store: ``limit`` events of a key within ``window`` seconds, then wait."""

    def __init__(
        self, store: Store, name: str, *, limit: int, window: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.name = name
        self.limit = limit
        self.window = window
        self.clock = clock
        self._swept_at = clock()
        self._sweep_lock = threading.Lock()

    def wait(self, key: str) -> float | None:
        return self.store.limit_take(
            self.name, key, limit=self.limit, window=self.window, now=self.clock(), record=False
        )

    def record(self, key: str) -> None:
        now = self.clock()
        self.store.limit_record(self.name, key, now=now)
        self._sweep(now)

    def take(self, key: str) -> float | None:
        now = self.clock()
        wait = self.store.limit_take(self.name, key, limit=self.limit, window=self.window, now=now, record=True)
        self._sweep(now)
        return wait

    def _sweep(self, now: float) -> None:
        """Once a window (per replica), delete the events older than the window."""
        with self._sweep_lock:
            if now - self._swept_at < self.window:
                return
            self._swept_at = now
        self.store.limit_forget(self.name, before=now - self.window)
