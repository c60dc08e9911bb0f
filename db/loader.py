"""Load the curated dataset into a database: validated first, one transaction, exact diff.

``load_dataset`` validates the whole file (``db.dataset``), then inside a single transaction
brings every table to exactly the rows the file describes: new rows are inserted, changed rows
updated and rows the file no longer has deleted. Loading the same file twice changes nothing.
A load that changes the version also records, in the same transaction, what it changed by
natural key (``db.history``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, insert, select, update

from db.dataset import DEFAULT_DATASET_PATH, LoadedDataset, read_dataset
from db.derived import DatasetVersion, SearchTerm
from db.history import DEFAULT_HISTORY_VERSIONS, LoadRecord, record_load
from db.models import DataQualityNoteSubject, Provenance, Translation
from db.natural_view import read_natural_view
from db.row_builder import DesiredRows
from db.rows import desired_rows, search_terms
from db.tables import loaded_tables, self_reference, table_of
from db.version import announce, read_version

Progress = Callable[[str], None]


@dataclass
class TableChanges:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.deleted


@dataclass
class LoadReport:
    """What a load did, table by table, and the dataset version it left."""

    content_hash: str
    previous_hash: str | None
    changes: dict[str, TableChanges] = field(default_factory=dict)
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def changed(self) -> bool:
        return any(c.total for c in self.changes.values())

    def summary(self) -> str:
        lines = [
            f"  {name:<28} +{c.inserted:<5} ~{c.updated:<5} -{c.deleted}"
            for name, c in self.changes.items()
            if c.total
        ]
        if not lines:
            return f"no change; dataset version {self.content_hash[:12]} kept"
        head = f"dataset version {(self.previous_hash or 'none')[:12]} -> {self.content_hash[:12]}"
        return "\n".join([head, *lines])


def load_dataset(
    engine: Engine,
    path: Path = DEFAULT_DATASET_PATH,
    progress: Progress | None = None,
    history_versions: int = DEFAULT_HISTORY_VERSIONS,
) -> LoadReport:
    """Validate ``path`` and make the database hold exactly its content, atomically; a load
    that changes the version records what it changed (``db.history``, newest
    ``history_versions`` loads kept)."""
    say = progress or (lambda _message: None)
    say(f"validating {path.name}")
    loaded = read_dataset(path)
    rows = desired_rows(loaded.dataset, loaded.seed_text)
    say("writing (one transaction)")
    with engine.begin() as connection:
        previous = read_version(connection)
        moves = previous != loaded.content_hash
        before = read_natural_view(connection) if moves and previous else None
        report = _write(connection, loaded, rows, say, previous)
        if moves:
            load = LoadRecord(loaded.content_hash, previous, report.loaded_at, loaded.path.name)
            after = read_natural_view(connection)
            changes = record_load(connection, load, before, after, history_versions)
            say(f"history: {len(changes)} changes recorded")
        return report


def _write(
    connection: Connection,
    loaded: LoadedDataset,
    rows: DesiredRows,
    say: Progress,
    previous: str | None,
) -> LoadReport:
    report = LoadReport(content_hash=loaded.content_hash, previous_hash=previous)
    ids: dict[tuple[str, str], int] = {}
    stale: list[tuple[Table, list[dict[str, Any]]]] = []

    for table, declared in loaded_tables():
        keys, subject_type = declared.natural_key, declared.subject_type
        parent_column = self_reference(table)
        raw_rows = [dict(row) for row in rows.tables.get(table.name, [])]
        deferred: dict[str, Any] = {}
        if parent_column:
            # Insert first without the self-reference, then point rows at their parents.
            deferred = {row["slug"]: row.pop(parent_column) for row in raw_rows}
        desired = [_resolve(row, ids) for row in raw_rows]
        changes, removed = _sync(connection, table, keys, desired)
        if subject_type:
            for row_id, natural_key in connection.execute(select(table.c.id, table.c[keys[0]])):
                ids[(subject_type, natural_key)] = row_id
        if parent_column:
            changes.updated += _set_self_references(connection, table, parent_column, deferred, ids)
        report.changes[table.name] = changes
        stale.append((table, removed))
        say(f"  {table.name}: {len(desired)} rows")

    translations = [_resolve_subject(row, ids) for row in rows.translations]
    provenance = [_resolve_subject(row, ids) for row in rows.provenance]
    note_subjects = [_resolve(_resolve_subject(row, ids), ids) for row in rows.note_subjects]
    search_texts = [_resolve_subject(row, ids) for row in rows.search_texts]
    terms = [
        {"subject_type": t, "subject_id": i, "term": term}
        for t, i, term in sorted(set(search_terms(translations, search_texts)))
    ]
    subject_key = ("subject_type", "subject_id")
    for model, keys, desired in (
        (Translation, (*subject_key, "field", "language"), translations),
        (Provenance, (*subject_key, "fact"), provenance),
        (DataQualityNoteSubject, ("note_id", *subject_key), note_subjects),
        (SearchTerm, (*subject_key, "term"), terms),
    ):
        table = table_of(model)
        changes, removed = _sync(connection, table, keys, desired)
        report.changes[table.name] = changes
        stale.append((table, removed))
        say(f"  {table.name}: {len(desired)} rows")

    # Children before parents, so foreign keys hold at every statement.
    for table, removed in reversed(stale):
        parent_column = self_reference(table)
        for key in removed if parent_column else ():
            connection.execute(
                update(table).where(_match(table, key)).values({parent_column: None})
            )
        for key in removed:
            connection.execute(delete(table).where(_match(table, key)))
        report.changes[table.name].deleted = len(removed)

    if report.changed or previous != loaded.content_hash:
        version_table = table_of(DatasetVersion)
        connection.execute(delete(version_table))
        connection.execute(
            insert(version_table).values(
                id=1,
                content_hash=loaded.content_hash,
                loaded_at=report.loaded_at,
                source_file=loaded.path.name,
            )
        )
        announce(connection, loaded.content_hash)
    return report


def _resolve(row: dict[str, Any], ids: dict[tuple[str, str], int]) -> dict[str, Any]:
    """Swap natural-key references such as ``("country", "KEN")`` for ids."""
    return {k: ids[v] if isinstance(v, tuple) else v for k, v in row.items()}


def _resolve_subject(row: dict[str, Any], ids: dict[tuple[str, str], int]) -> dict[str, Any]:
    resolved = {k: v for k, v in row.items() if k != "subject"}
    subject_type, key = row["subject"]
    resolved["subject_type"] = str(subject_type)
    resolved["subject_id"] = ids[(str(subject_type), key)]
    return resolved


def _match(table: Table, key: dict[str, Any]) -> Any:
    return and_(*(table.c[name] == value for name, value in key.items()))


def _sync(
    connection: Connection, table: Table, keys: tuple[str, ...], desired: list[dict[str, Any]]
) -> tuple[TableChanges, list[dict[str, Any]]]:
    """Insert and update ``desired`` rows; return the changes and the keys of stale rows."""
    changes = TableChanges()
    columns = [table.c[name] for name in desired[0]] if desired else list(table.c)
    existing = {
        tuple(row[k] for k in keys): row
        for row in connection.execute(select(*columns, *(table.c[k] for k in keys))).mappings()
    }
    to_insert = []
    for row in desired:
        key = tuple(row[k] for k in keys)
        current = existing.pop(key, None)
        if current is None:
            to_insert.append(row)
        elif any(current[name] != value for name, value in row.items()):
            connection.execute(
                update(table).where(_match(table, dict(zip(keys, key, strict=True)))).values(row)
            )
            changes.updated += 1
    if to_insert:
        connection.execute(insert(table), to_insert)
        changes.inserted = len(to_insert)
    removed = [dict(zip(keys, key, strict=True)) for key in existing]
    return changes, removed


def _set_self_references(
    connection: Connection,
    table: Table,
    column: str,
    parents: dict[str, Any],
    ids: dict[tuple[str, str], int],
) -> int:
    """Point each row at its parent; count the rows whose parent changed."""
    current = dict(connection.execute(select(table.c.slug, table.c[column])).all())
    changed = 0
    for slug, parent in parents.items():
        parent_id = ids[parent] if isinstance(parent, tuple) else None
        if current.get(slug) != parent_id:
            connection.execute(
                update(table).where(table.c.slug == slug).values({column: parent_id})
            )
            changed += 1
    return changed
