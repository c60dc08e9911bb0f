"""How ``db.migrate`` tells whether the schema is current without loading Alembic, and that a
start on a current, seeded database indeed leaves Alembic, the dataset loader (babel,
pycountry), Redis (not configured) and the feed's feedgen and lxml unloaded (issue 26: the
worker's memory)."""

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.migrate import (
    HEAD_REVISION,
    alembic_config,
    bootstrap,
    current_revision,
    head_revision,
    is_current,
    upgrade,
)
from tests.conftest import DatabaseFactory

ROOT = Path(__file__).resolve().parent.parent


def test_head_revision_is_alembics_head() -> None:
    """A new migration that leaves ``HEAD_REVISION`` behind fails here."""
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def _migration(directory: Path, revision: str, down_revision: str) -> None:
    text = f'"""Revision ID: {revision}"""\nrevision: str = "{revision}"\n'
    text += f"down_revision: str | tuple[str, ...] | None = {down_revision}\n"
    (directory / f"{revision}_step.py").write_text(text, encoding="utf-8")


def test_head_revision_follows_the_chain_merges_included(tmp_path: Path) -> None:
    _migration(tmp_path, "0001", "None")
    _migration(tmp_path, "0002", '"0001"')
    assert head_revision(tmp_path) == "0002"
    _migration(tmp_path, "0003", '"0001"')
    with pytest.raises(RuntimeError, match=r"expected one head revision, found \['0002', '0003'\]"):
        head_revision(tmp_path)
    _migration(tmp_path, "0004", "('0002', '0003')")
    assert head_revision(tmp_path) == "0004"


def _alembics_reading(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_current_revision_reads_what_alembic_records(databases: DatabaseFactory) -> None:
    engine = databases.new()
    assert current_revision(engine) is None
    assert not is_current(engine)
    upgrade(engine, "0008")
    assert current_revision(engine) == _alembics_reading(engine) == "0008"
    assert not is_current(engine)
    upgrade(engine)
    assert current_revision(engine) == _alembics_reading(engine) == "0010"
    assert is_current(engine)


def test_bootstrap_migrates_and_seeds_an_empty_database_then_leaves_it(
    databases: DatabaseFactory,
) -> None:
    engine = databases.new()
    said: list[str] = []
    report = bootstrap(engine, progress=said.append)
    assert report is not None
    assert said[:2] == [
        "migrating the database schema",
        "empty database: loading the curated dataset",
    ]
    assert is_current(engine)
    assert bootstrap(engine) is None


def test_start_on_a_current_database_leaves_unused_modules_unloaded(
    seeded_engine: Engine,
) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    script = (
        "import sys\n"
        "import service.app\n"
        "from db.engine import build_engine\n"
        "from db.migrate import bootstrap\n"
        f"assert bootstrap(build_engine({url!r})) is None\n"
        "unused = {'alembic', 'mako', 'pygments', 'db.loader', 'babel', 'pycountry', 'redis',"
        " 'feedgen', 'lxml'}\n"
        "print(sorted(unused & sys.modules.keys()))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"
