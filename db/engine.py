"""Engines for SQLite (default) and PostgreSQL (psycopg 3), with foreign keys enforced on both."""

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from db.settings import DEFAULT_DATABASE_URL, DEFAULT_STATEMENT_TIMEOUT_MS


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def build_engine(
    url: str = DEFAULT_DATABASE_URL, statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS
) -> Engine:
    """A new engine for ``url``; on PostgreSQL every statement has ``statement_timeout_ms``."""
    url = normalise_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        database = make_url(url).database
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    if backend == "postgresql":
        return create_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            pool_timeout=5,
            connect_args={
                "connect_timeout": 2,
                "options": f"-c statement_timeout={statement_timeout_ms}",
            },
        )
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")
