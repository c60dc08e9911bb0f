"""Schema migrations (Alembic) and the first-start bootstrap: migrate, then seed if empty.

Alembic (about 11 MB of modules, Mako and Pygments among them) is imported only to migrate:
whether the schema is current is read from ``alembic_version`` with plain SQL and compared
with ``HEAD_REVISION``, so a start on a current database never loads it. Likewise the dataset
loader (pycountry, babel's CLDR data, the YAML reader) is imported only to seed an empty one.
"""

import fcntl
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, inspect, select, text

from db.derived import DatasetVersion

if TYPE_CHECKING:
    from alembic.config import Config

    from db.loader import LoadReport, Progress

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_ASSIGNED = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def head_revision(versions: Path) -> str:
    """The one revision no migration in ``versions`` revises: Alembic's head, read from the
    files' ``revision``/``down_revision`` lines as text (importing them imports Alembic)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        for name, value in _ASSIGNED.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else revised).update(_QUOTED.findall(value))
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"{versions}: expected one head revision, found {sorted(heads)}")
    return heads.pop()


# The newest migration's revision, so a migration is one file (tests/test_migrate.py checks it
# against Alembic's own head).
HEAD_REVISION = head_revision(MIGRATIONS_DIR / "versions")
VERSION_TABLE = "alembic_version"  # Alembic's default, which db/migrations/env.py keeps
_LOCK_KEY = 1_062_569  # advisory lock id of iom-graph migrations (any constant works)


def alembic_config() -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the latest)."""
    from alembic import command

    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision``."""
    from alembic import command

    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, run: Callable[["Config"], None]) -> None:
    """Run migrations in one transaction.

    On SQLite, foreign keys are off meanwhile and checked whole before the commit, SQLite's
    own procedure for altering tables (https://www.sqlite.org/lang_altertable.html): a batch
    migration rebuilds a table (copy, drop, rename), and dropping a table others point at
    fails with foreign keys on, even deferred. The pragma only takes effect outside a
    transaction, hence before ``begin``.
    """
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                run(config)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration would break foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def current_revision(engine: Engine) -> str | None:
    """The revision the database schema is at (None: never migrated), as Alembic records it."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def is_current(engine: Engine) -> bool:
    """True when the database schema is at the latest migration."""
    return current_revision(engine) == HEAD_REVISION


def bootstrap(engine: Engine, progress: "Progress | None" = None) -> "LoadReport | None":
    """Migrate to the latest schema; load the dataset when the database holds none yet."""
    say = progress or (lambda _message: None)
    if not is_current(engine):
        say("migrating the database schema")
        upgrade(engine)
    with engine.connect() as connection:
        loaded = connection.execute(select(func.count()).select_from(DatasetVersion)).scalar_one()
    if loaded:
        return None
    say("empty database: loading the curated dataset")
    from db.loader import load_dataset  # with pycountry, babel's CLDR data, the YAML reader

    return load_dataset(engine, progress=say)


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise start-up migrations of several workers on one database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(f"{database}.lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
