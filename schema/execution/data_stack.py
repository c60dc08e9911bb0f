"""The room left in the current CPython data-stack chunk, read where CPython keeps it.

CPython 3.11 to 3.13 keep the frames of Python calls in chunks of a per-thread stack; the
thread state holds the current chunk, the top of the stack in it and the chunk's end, three
pointers in a row (``datastack_chunk``, ``datastack_top``, ``datastack_limit`` of
``PyThreadState``), and each chunk starts with ``previous`` and ``size``. No API, public or
private, tells a Python program how much room is left, and ``schema.execution.chunk`` needs
to know it to move to a fresh chunk only when an operation would not fit in the current one.
So the three pointers are read with ``ctypes`` from the thread state
(``PyThreadState_Get``).

Nothing about their place in the structure is assumed: at import, the first words of the
thread state are searched for three that behave as those pointers must (a chunk whose
``size`` is its end minus its start, the top inside it, and the top moving by exactly the
difference of two frames' sizes when two functions differing by eight local variables read
it). One such place, the same in two further probes, or the reading is off: ``room()``
then answers ``None``, and the caller behaves as it did without it (a fresh chunk for every
large operation). Not CPython, or not 3.11 to 3.13: ``None`` without any reading.
"""

import ctypes
import sys
import threading
from collections.abc import Callable

_WORD = ctypes.sizeof(ctypes.c_void_p)
# How many words of the thread state are searched (the pointers are near word 37 on 3.11).
_SEARCHED_WORDS = 160
# A larger "room" is not a 16 KiB chunk's: the reading is wrong (``room`` answers None).
_MOST_ROOM = 1 << 20

_thread_state: Callable[[], int] | None = None
if sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] <= (3, 13):
    _get = ctypes.pythonapi.PyThreadState_Get
    _get.restype = ctypes.c_void_p
    _thread_state = _get


def _words() -> list[int]:
    """The first words of this thread's state, read now (from a frame of the caller's)."""
    assert _thread_state is not None
    return list((ctypes.c_size_t * _SEARCHED_WORDS).from_address(_thread_state()))


def _small() -> list[int]:
    a = 0
    return _words() if a == 0 else []


def _large() -> list[int]:
    a = b = c = d = e = f = g = h = i = 0
    return _words() if a + b + c + d + e + f + g + h + i == 0 else []


def _is_stack(words: list[int], at: int) -> bool:
    chunk, top, limit = words[at : at + 3]
    if not 0 < chunk < top <= limit or limit - top > _MOST_ROOM:
        return False
    return ctypes.c_size_t.from_address(chunk + _WORD).value == limit - chunk


def _find_top() -> int | None:
    """The index of ``datastack_top`` among the thread state's words, or None."""
    small, large = _small(), _large()
    found = [
        at
        for at in range(_SEARCHED_WORDS - 2)
        if _is_stack(small, at)
        and _is_stack(large, at)
        and large[at + 1] - small[at + 1] == 8 * _WORD
        and large[at + 2] == small[at + 2]
    ]
    if len(found) != 1 or not all(_is_stack(probe(), found[0]) for probe in (_small, _words)):
        return None
    return found[0] + 1


_TOP = _find_top() if _thread_state is not None else None


class _Views(threading.local):
    """Per thread: ``datastack_top`` and ``datastack_limit`` of its own state, read live."""

    pointers: "ctypes.Array[ctypes.c_size_t] | None" = None


_views = _Views()


def room() -> int | None:
    """Bytes left in this thread's current data-stack chunk above the caller's frame (and
    this function's), or None where they cannot be read (module docstring)."""
    pointers = _views.pointers
    if pointers is None:
        if _TOP is None or _thread_state is None:
            return None
        address = _thread_state() + _TOP * _WORD
        pointers = _views.pointers = (ctypes.c_size_t * 2).from_address(address)
    left: int = pointers[1] - pointers[0]
    return left if 0 <= left <= _MOST_ROOM else None
