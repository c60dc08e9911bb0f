"""One response, one dataset version: the object that owns it (``CurrentDataset``).

Every read a request makes goes to one ``resolvers.in_memory.InMemoryDataset``: each edge, and
since issue 26 the root lists too (``resolvers.lists``). A request takes the current dataset
once, at its start (``fresh``), and reads only it; an ``InMemoryDataset`` never changes, so a
load committing while the request runs cannot show in its response. No request runs a
statement: there is no database snapshot to keep at the dataset's version, and no run to
throw away and repeat when a load lands mid-request (the re-run this module and
``service.responder`` used to need while root lists read the database).

What stays to decide is which version a request gets, and whether its response may be stored:

- ``fresh(seen)``: the dataset of the version the watcher (``db.version``) reported when the
  request started; read anew first when the watcher reports a version not read yet. Requests
  that arrive while it is read wait for it: one read serves them all.
- ``is_current(dataset)``: whether the watcher still reports ``dataset``'s version; a response
  is cached under its version only then (``service.responder``).

The watcher is asked through one ``TickVersion`` (``service.app`` makes it and hands the same
object to this class and to ``service.caching.Caching``): at most once per event-loop
iteration, for the cached path (``service.cached_path``) and the executed path alike. Its
guarantee is documented on the class. "One response, one dataset version" does not rest on
it: a response's data, ``X-Dataset-Version``, ETag and cache key are all the version of the
dataset it read (``dataset.version``), whatever the watcher said.

The service (``service.app``), the in-process test harness (``tests.conftest.make_execute``)
and the benchmark's reference server (``benchmark.reference_app``, ``fixed``) all read
through this object.
"""

import asyncio
from collections.abc import Callable

import anyio.to_thread

from resolvers.database import Database
from resolvers.in_memory import EMPTY, InMemoryDataset, read_in_memory

_NOT_SEEN = object()


class TickVersion:
    """The watcher's dataset version, asked at most once per event-loop iteration.

    On SQLite the watcher runs ``PRAGMA data_version`` per call (``db.version``). The first
    caller in an iteration of the loop asks the watcher and schedules a reset
    (``call_soon``); every caller until that reset runs gets the same answer, and the first
    caller after it asks again. The guarantee: every answer was asked after the callback that
    gets it was scheduled. A request's asks run in steps of its task, scheduled after its
    bytes arrived, so a load another process committed before a request arrived is seen by
    every ask of that request; a request spanning iterations asks anew at its later asks
    (``is_current`` at its end), so a load landing mid-request is seen there and its
    response is not stored under the old version. A load committed after a request arrived
    may or may not be seen, as it would have been had the request come a moment earlier.
    (Not "every request handled in an iteration that began after the commit": a callback
    scheduled in the previous iteration before its first ask runs ahead of the reset, with
    that ask's answer; tests/test_tick_version.py shows both.)

    Outside an event loop (a worker thread, start-up) the watcher is asked every time. On
    PostgreSQL ``current()`` only reads the version the listener thread keeps, so this saves
    nothing there and keeps one rule on both databases.
    """

    def __init__(self, versions: Callable[[], str | None]) -> None:
        self.versions = versions
        self.asked = False
        self.version: str | None = None

    def __call__(self) -> str | None:
        if not self.asked:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop in this thread: no iteration to share an answer in
                return self.versions()
            self.version, self.asked = self.versions(), True
            loop.call_soon(self._forget)
        return self.version

    def _forget(self) -> None:
        self.asked = False


class CurrentDataset:
    """``fresh(version)`` is the dataset of the version the watcher (``versions``) reported."""

    def __init__(self, database: Database, versions: Callable[[], str | None]) -> None:
        self.database, self.versions = database, versions
        self.loaded: InMemoryDataset = EMPTY
        # The watcher's version when ``loaded`` was read: the next one read is for its next.
        self._seen: object = _NOT_SEEN
        self._reading: asyncio.Lock | None = None

    @classmethod
    def fixed(cls, dataset: InMemoryDataset, database: Database) -> "CurrentDataset":
        """Always ``dataset`` (the benchmark's reference, which has no database to watch)."""
        current = cls(database, lambda: dataset.version)
        current.loaded, current._seen = dataset, dataset.version
        return current

    async def fresh(self, seen: str | None) -> InMemoryDataset:
        """The dataset for the version ``seen`` (the watcher's, as the request read it): read
        again first unless it was read at that version, or is of it."""
        if seen == self._seen or (self.loaded is not EMPTY and seen == self.loaded.version):
            self._seen = seen
            return self.loaded
        return await self._read(self.loaded, seen)

    async def for_request(self) -> InMemoryDataset:
        """The dataset for the version the watcher reports now."""
        return await self.fresh(self.versions())

    def is_current(self, dataset: InMemoryDataset) -> bool:
        """Whether the watcher still reports ``dataset``'s version."""
        return dataset.version is not None and self.versions() == dataset.version

    async def read_after(self, stale: InMemoryDataset) -> InMemoryDataset:
        """A dataset read after ``stale``, which a caller found older than the database (a
        load the watcher has not reported yet: ``/data/?version=`` of that load)."""
        return await self._read(stale, self.versions())

    def read_now(self) -> None:
        """Read the dataset synchronously (start-up, before the first request)."""
        seen = self.versions()
        self.loaded, self._seen = read_in_memory(self.database), seen

    async def _read(self, stale: InMemoryDataset, seen: str | None) -> InMemoryDataset:
        if self._reading is None:  # created inside the event loop that serves the app
            self._reading = asyncio.Lock()
        async with self._reading:
            if self.loaded is not stale:  # read meanwhile, for the request that waited first
                return self.loaded
            dataset = await anyio.to_thread.run_sync(read_in_memory, self.database)
            self.loaded, self._seen = dataset, seen
            return dataset
