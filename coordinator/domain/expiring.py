"""Values remembered for a while: a small time-to-live memo, the clock the caller's."""

from collections.abc import Hashable
from typing import Any


class Expiring:
    """Remember values for `ttl` seconds; at most `max_entries` (then start afresh)."""

    def __init__(self, max_entries: int = 1024) -> None:
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, now: float) -> Any | None:
        """The value put under `key`, or None once its time is up (or never put)."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any, now: float, ttl: float) -> None:
        if len(self._entries) >= self.max_entries and key not in self._entries:
            self._entries.clear()  # rare (one entry per partnership): simpler than LRU
        self._entries[key] = (now + ttl, value)

    def clear(self) -> None:
        self._entries.clear()
