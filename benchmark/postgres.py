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
