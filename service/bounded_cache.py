"""Memoising functions of client-sent text without letting a client buy memory.

``functools.lru_cache`` bounds the number of entries, not their size: 256 entries of 1 MB
headers held 256 MB for as long as the process lived (issue 22.2). ``memo_short`` caches
only arguments up to ``max_chars`` characters; longer ones are computed every time (real
Accept headers are far shorter, so the common case stays cached), so a cache holds at most
``maxsize x max_chars`` characters of keys.
"""

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

R = TypeVar("R")
S = TypeVar("S", bound=str | None)

MAX_CACHED_KEY_CHARS = 256


def memo_short(
    maxsize: int, max_chars: int = MAX_CACHED_KEY_CHARS
) -> Callable[[Callable[[S], R]], Callable[[S], R]]:
    """An LRU cache of ``maxsize`` entries for a one-argument function of a header or
    document text, skipped for arguments longer than ``max_chars``. The cache itself is the
    wrapper's ``cache`` attribute (``cache_info()``, ``cache_clear()``)."""

    def decorate(function: Callable[[S], R]) -> Callable[[S], R]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def memoised(text: S) -> R:
            if text is not None and len(text) > max_chars:
                return function(text)
            return cached(text)

        memoised.cache = cached  # type: ignore[attr-defined]
        return memoised

    return decorate
