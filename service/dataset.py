"""The dataset in memory that requests are answered from, kept at the loaded version.

Each request takes the current ``resolvers.loaders.InMemoryDataset`` once, at its start, and reads
only it, so a reload never shows half in a response. The dataset is read again when the
version watcher (``db.version``) reports a new version, before the request that notices it
runs; or when a request finds that the database it reads root lists from holds another
version than the dataset (a load the watcher has not reported yet): that request is then run
again on the dataset read anew. Requests that arrive while the dataset is being read wait for
it: one read serves them all.
"""

import asyncio
from collections.abc import Callable

import anyio.to_thread

from resolvers.database import Database
from resolvers.loaders import EMPTY, InMemoryDataset, read_in_memory

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
        again first unless it was read at that version, or is of it (read after a move)."""
        if seen == self._seen or (self.loaded is not EMPTY and seen == self.loaded.version):
            self._seen = seen
            return self.loaded
        return await self._read(self.loaded, seen)

    async def replace(self, stale: InMemoryDataset) -> InMemoryDataset:
        """A dataset read after ``stale``, which a request found older than the database."""
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
