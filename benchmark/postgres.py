"""A fresh PostgreSQL database for one run, dropped at the end."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEFAULT_MAINTENANCE_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _execute(maintenance_url: str, statement: sql.Composed) -> None:
    with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def server_version(maintenance_url: str) -> str:
    with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


@contextmanager
def fresh_database(maintenance_url: str) -> Iterator[str]:
    """Create ``iom_graph_bench_<random>``; yield its URL; drop it (``WITH (FORCE)``)."""
    name = f"iom_graph_bench_{secrets.token_hex(4)}"
    _execute(maintenance_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(maintenance_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _execute(
            maintenance_url,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        )


def libpq_url(database_url: str) -> str:
    """The database URL as libpq and node-postgres read it (no SQLAlchemy ``+driver``)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def backend_pids(database_url: str) -> list[int]:
    """The server processes serving connections to this database (not the one asking)."""
    with psycopg.connect(libpq_url(database_url), autocommit=True, connect_timeout=5) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(row[0]) for row in rows]
