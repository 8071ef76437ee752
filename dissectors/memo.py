"""A bounded memo table for values a capture sends again and again (address texts, options).

    texts = BoundedMemo(inet_ntoa, 4096)
    texts[raw]          # made by inet_ntoa the first time, then found

A hit is one dict lookup in C; `__missing__` runs only on a miss. Memory is bounded: the table is
emptied when it holds `limit` entries, and keys that `keep` rejects are made every time, not kept.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable


class BoundedMemo(dict):
    def __init__(self, make: Callable[[Hashable], object], limit: int,
                 keep: Callable[[Hashable], bool] | None = None) -> None:
        super().__init__()
        self.make, self.limit, self.keep = make, limit, keep

    def __missing__(self, key: Hashable) -> object:
        value = self.make(key)
        if self.keep is None or self.keep(key):
            if len(self) >= self.limit:
                self.clear()
            self[key] = value
        return value
