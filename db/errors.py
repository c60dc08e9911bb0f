"""What a database error says about its cause, read from the driver's error code.

Three causes, because they call for different answers: the database is unavailable (retry
later), the request's values are beyond what the database accepts (the client must change
them; an API limit is missing), or anything else (a defect). PostgreSQL names the cause by
SQLSTATE class; SQLite by its primary result code, and for ``SQLITE_ERROR`` by the message of
its fixed limits. Nothing here reads or returns SQL text or parameters.
"""

from enum import Enum
from typing import Any

from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError


class Cause(Enum):
    UNAVAILABLE = "unavailable"
    INPUT = "input"
    DEFECT = "defect"


# SQLSTATE classes: connection exception, transaction rollback (deadlock, serialisation),
# insufficient resources, object not in prerequisite state (lock not available), operator
# intervention (shutdown, statement timeout), system error.
_UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "55", "57", "58"})
# Data exception (a value out of range or too long), program limit exceeded (too complex).
_INPUT_SQLSTATE_CLASSES = frozenset({"22", "54"})
# SQLite primary result codes: BUSY, LOCKED, NOMEM, READONLY, INTERRUPT, IOERR, CORRUPT,
# FULL, CANTOPEN, PROTOCOL, NOTADB.
_UNAVAILABLE_SQLITE_CODES = frozenset({5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 26})
# TOOBIG, RANGE.
_INPUT_SQLITE_CODES = frozenset({18, 25})
# SQLite reports its compile-time limits as plain SQLITE_ERROR, told apart by message.
_SQLITE_LIMIT_MESSAGES = (
    "LIKE or GLOB pattern too complex",
    "too many SQL variables",
    "parser stack overflow",
    "Expression tree is too large",
    "too many terms in compound SELECT",
    "too many columns",
)
_MESSAGE_CHARACTERS = 200


def cause_of(error: SQLAlchemyError) -> Cause:
    """Why ``error`` happened, from the driver's code (SQLSTATE or SQLite result code)."""
    driver: Any = error.orig if isinstance(error, DBAPIError) else None
    sqlstate = getattr(driver, "sqlstate", None)
    if isinstance(sqlstate, str) and len(sqlstate) == 5:
        if sqlstate[:2] in _INPUT_SQLSTATE_CLASSES:
            return Cause.INPUT
        if sqlstate[:2] in _UNAVAILABLE_SQLSTATE_CLASSES:
            return Cause.UNAVAILABLE
        return Cause.DEFECT
    sqlite_code = getattr(driver, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        primary = sqlite_code & 0xFF
        if primary in _UNAVAILABLE_SQLITE_CODES:
            return Cause.UNAVAILABLE
        if primary in _INPUT_SQLITE_CODES or str(driver).startswith(_SQLITE_LIMIT_MESSAGES):
            return Cause.INPUT
        return Cause.DEFECT
    # No code: the driver failed before the database answered (connecting, a lost
    # connection), or the pool had no connection to give.
    if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError):
        return Cause.UNAVAILABLE
    return Cause.INPUT if isinstance(error, DataError) else Cause.DEFECT


def describe(error: SQLAlchemyError) -> dict[str, str]:
    """Facts about ``error`` fit for an operator's log: the driver's error class and code and
    the first line of its message (shortened), never the statement or its parameters."""
    driver: Any = error.orig if isinstance(error, DBAPIError) else error
    facts = {"db_error": f"{type(driver).__module__}.{type(driver).__qualname__}"}
    code = getattr(driver, "sqlstate", None) or getattr(driver, "sqlite_errorname", None)
    if code:
        facts["db_code"] = str(code)
    if isinstance(error, DBAPIError):
        lines = str(driver).strip().splitlines()
        facts["db_message"] = lines[0][:_MESSAGE_CHARACTERS] if lines else ""
    return facts
