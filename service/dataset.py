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
