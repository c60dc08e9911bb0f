"""The history of loads: what each load that changed the dataset changed, by natural key.

The loader reads the natural view (``db.natural_view``) of the database before and after it
writes, in its own transaction, and ``record_load`` stores the difference beside the new
version: the entities added and removed (by key), and each changed field with its old and new
text. A load that replaces no version (the first) records the load alone: everything is new.
Nothing is written unless the whole load commits.

Retention: the newest ``keep`` loads are kept (``IOM_GRAPH_HISTORY_VERSIONS``, default 100);
older loads and their changes are deleted in the same transaction, so the history never grows
without bound. A client holding a version older than that is told so
(``UNKNOWN_DATASET_VERSION``) and reads the dataset afresh.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, delete, insert, select

from db.derived import DatasetChange, DatasetLoad
from db.natural_view import NaturalView
from db.tables import table_of

DEFAULT_HISTORY_VERSIONS = 100


class ChangeKind(StrEnum):
    """What happened to an entity."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    """One change: an entity added or removed (no field), or one field of it changed."""

    entity_type: str
    entity_key: str
    kind: ChangeKind
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None


def diff(before: NaturalView, after: NaturalView) -> list[Change]:
    """The changes from ``before`` to ``after``, ordered by entity type, key and field."""
    changes = []
    for entity in sorted(before.keys() | after.keys()):
        old, new = before.get(entity), after.get(entity)
        if old is None:
            changes.append(Change(*entity, ChangeKind.ADDED))
        elif new is None:
            changes.append(Change(*entity, ChangeKind.REMOVED))
        else:
            changes.extend(
                Change(*entity, ChangeKind.CHANGED, name, old.get(name), new.get(name))
                for name in sorted(old.keys() | new.keys())
                if old.get(name) != new.get(name)
            )
    return changes


@dataclass(frozen=True)
class LoadRecord:
    """The load to record: the version it leaves and the one it replaces."""

    content_hash: str
    previous_hash: str | None
    loaded_at: datetime
    source_file: str


def record_load(
    connection: Connection,
    load: LoadRecord,
    before: NaturalView | None,
    after: NaturalView,
    keep: int = DEFAULT_HISTORY_VERSIONS,
) -> list[Change]:
    """Store ``load`` and its changes (none listed when ``before`` is None: the first load),
    then prune the history to the newest ``keep`` loads. Returns the changes stored."""
    changes = diff(before, after) if before is not None else []
    counts = {kind: sum(c.kind is kind for c in changes) for kind in ChangeKind}
    load_id = connection.execute(
        insert(table_of(DatasetLoad))
        .values(
            content_hash=load.content_hash,
            previous_hash=load.previous_hash,
            loaded_at=load.loaded_at,
            source_file=load.source_file,
            added=counts[ChangeKind.ADDED] if before is not None else len(after),
            removed=counts[ChangeKind.REMOVED],
            changed=counts[ChangeKind.CHANGED],
        )
        .returning(table_of(DatasetLoad).c.id)
    ).scalar_one()
    if changes:
        connection.execute(
            insert(table_of(DatasetChange)),
            [
                {
                    "load_id": load_id,
                    "entity_type": c.entity_type,
                    "entity_key": c.entity_key,
                    "kind": str(c.kind),
                    "field": c.field,
                    "old_value": c.old_value,
                    "new_value": c.new_value,
                }
                for c in changes
            ],
        )
    prune(connection, keep)
    return changes


def prune(connection: Connection, keep: int) -> int:
    """Delete all but the newest ``keep`` loads and their changes; return how many loads."""
    loads, changes = table_of(DatasetLoad), table_of(DatasetChange)
    # NULL (nothing pruned) while fewer than ``keep`` loads are recorded.
    oldest_kept = (
        select(loads.c.id).order_by(loads.c.id.desc()).offset(keep - 1).limit(1).scalar_subquery()
    )
    stale = select(loads.c.id).where(loads.c.id < oldest_kept)
    connection.execute(delete(changes).where(changes.c.load_id.in_(stale)))
    return connection.execute(delete(loads).where(loads.c.id < oldest_kept)).rowcount
