"""The issued API keys as this replica knows them: the active keys' digests, read from the
database (``db.api_keys``) again when the last read is ``refresh_seconds`` old.

The read is lazy (on the first keyed request after that age, not on a timer), one statement,
and one at a time: concurrent requests wait for it rather than each reading. So a key created
or revoked by ``python -m db keys`` takes effect on every replica within ``refresh_seconds``,
while an unknown key costs a dictionary lookup, never a query (a client sending a new random key
per request cannot make the service read the database for each).

When a read fails (the database unavailable), the keys read last stay in force and the read is
retried after another ``refresh_seconds``; before any read has succeeded, keyed requests are
answered 503, not told that their key is unknown.
"""

import asyncio
import logging
import time
from collections.abc import Callable

import anyio
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from db.api_keys import ActiveKey, active_keys, digest_of
from schema.errors import ErrorCode
from service.request import HTTPError

logger = logging.getLogger("iom_graph.api_keys")

# Looked up at each use so that tests can move it.
monotonic: Callable[[], float] = time.monotonic


class IssuedKeys:
    """The active keys by digest, refreshed from the database every ``refresh_seconds``."""

    def __init__(
        self,
        read: Callable[[], dict[str, ActiveKey]],
        refresh_seconds: float,
    ) -> None:
        self.read, self.refresh_seconds = read, refresh_seconds
        self.keys: dict[str, ActiveKey] = {}
        self.read_at: float | None = None  # monotonic time of the last read, or attempt
        self.has_read = False
        self.lock = asyncio.Lock()

    @classmethod
    def of(cls, engine: Engine, refresh_seconds: float) -> "IssuedKeys":
        return cls(lambda: active_keys(engine), refresh_seconds)

    async def find(self, key: str) -> ActiveKey | None:
        """The active key ``key`` is, or None when it is unknown or revoked."""
        if self._stale():
            async with self.lock:
                if self._stale():  # not refreshed meanwhile by the request we waited for
                    await self._refresh()
        if not self.has_read:
            raise HTTPError(
                503,
                ErrorCode.SERVICE_UNAVAILABLE,
                "the API key registry cannot be read (the database is unavailable); retry shortly",
                {"Retry-After": "5"},
            )
        return self.keys.get(digest_of(key))

    def _stale(self) -> bool:
        return self.read_at is None or monotonic() - self.read_at >= self.refresh_seconds

    async def _refresh(self) -> None:
        try:
            self.keys = await anyio.to_thread.run_sync(self.read)
            self.has_read = True
        except SQLAlchemyError as error:
            logger.warning(
                "could not read the API keys; the keys read before stay in force",
                extra={"error": type(error).__name__, "keys": len(self.keys)},
            )
        self.read_at = monotonic()


def invalid_key(header: str) -> HTTPError:
    """The 401 of a key that is not issued or was revoked (RFC 9110 requires the challenge
    header; API keys have no registered scheme, so it names the header to send)."""
    return HTTPError(
        401,
        ErrorCode.INVALID_API_KEY,
        f"this API key is not valid (unknown or revoked): send a key issued by the operator "
        f"in {header}, or none to be limited by address",
        {"WWW-Authenticate": f'ApiKey realm="iom-graph", header="{header}"'},
    )
