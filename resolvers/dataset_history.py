"""The history of dataset versions (``db.history``): the versions kept, and what changed since one.

Read through the request's snapshot, so the history a response shows is the one committed with
the dataset version of that response. ``changes_since`` folds the changes of every load after
the version a client holds into one list, as a mirror applies them: an entity added then
removed meanwhile is not listed; a field changed twice is listed once, from its value then to
its value now.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.derived import DatasetChange, DatasetLoad
from db.history import ChangeKind
from db.tables import table_of
from resolvers.database import Database
from resolvers.errors import UserInputError

UNKNOWN_DATASET_VERSION = "UNKNOWN_DATASET_VERSION"


@dataclass(frozen=True)
class VersionRecord:
    """One load that changed the dataset."""

    load_id: int
    version: str
    previous_version: str | None
    loaded_at: datetime
    source_file: str
    added: int
    removed: int
    changed: int


@dataclass(frozen=True)
class ChangeRecord:
    """One change, by natural key; ``version`` is the version of the load that made it."""

    version: str
    entity_type: str
    entity_key: str
    kind: ChangeKind
    field: str | None
    old_value: str | None
    new_value: str | None


class UnknownDatasetVersionError(UserInputError):
    """``since`` names no version of the history kept (too old, or never loaded)."""


def list_versions(db: Database) -> list[VersionRecord]:
    """Every version kept, newest first."""
    loads = table_of(DatasetLoad)
    rows = db.fetch(
        select(
            loads.c.id,
            loads.c.content_hash,
            loads.c.previous_hash,
            loads.c.loaded_at,
            loads.c.source_file,
            loads.c.added,
            loads.c.removed,
            loads.c.changed,
        ).order_by(loads.c.id.desc())
    )
    return [VersionRecord(*row) for row in rows]


def version_by_hash(db: Database, version: str) -> VersionRecord | None:
    """The newest load that left ``version`` (a version loaded again has several)."""
    return next((v for v in list_versions(db) if v.version == version), None)


def changes_of(db: Database, load_ids: Iterable[int]) -> list[ChangeRecord]:
    """The changes the loads ``load_ids`` made, in load order, then entity and field order."""
    loads, changes = table_of(DatasetLoad), table_of(DatasetChange)
    rows = db.fetch(
        select(
            loads.c.content_hash,
            changes.c.entity_type,
            changes.c.entity_key,
            changes.c.kind,
            changes.c.field,
            changes.c.old_value,
            changes.c.new_value,
        )
        .join(loads, loads.c.id == changes.c.load_id)
        .where(changes.c.load_id.in_(list(load_ids)))
        .order_by(changes.c.load_id, changes.c.id)
    )
    return [ChangeRecord(r[0], r[1], r[2], ChangeKind(r[3]), *r[4:]) for r in rows]


def changes_since(db: Database, since: str, current: str | None) -> list[ChangeRecord]:
    """What changed from version ``since`` to ``current`` (the version ``db`` reads), folded
    into one list. Raises ``UnknownDatasetVersionError`` when the history kept does not hold
    ``since``."""
    versions = list_versions(db)
    if since == current:  # also before any history was kept (a database loaded before it)
        return []
    newer: list[int] = []
    for version in versions:  # newest first
        if version.version == since:
            return fold(changes_of(db, reversed(newer)))
        newer.append(version.load_id)
    raise UnknownDatasetVersionError(
        f"dataset version {since!r} is not in the history kept (the newest "
        f"{len(versions)} versions; see datasetVersions): read the dataset afresh",
        argument="since",
        details={"code": UNKNOWN_DATASET_VERSION},
    )


def fold(changes: list[ChangeRecord]) -> list[ChangeRecord]:
    """The changes of successive loads as one list: the net change of each entity and field."""
    by_entity: dict[tuple[str, str], list[ChangeRecord]] = defaultdict(list)
    for change in changes:
        by_entity[(change.entity_type, change.entity_key)].append(change)
    folded: list[ChangeRecord] = []
    for entity in sorted(by_entity):
        folded.extend(_fold_entity(by_entity[entity]))
    return folded


def _fold_entity(changes: list[ChangeRecord]) -> list[ChangeRecord]:
    presence = [c for c in changes if c.kind is not ChangeKind.CHANGED]
    existed = not presence or presence[0].kind is ChangeKind.REMOVED
    exists = not presence or presence[-1].kind is ChangeKind.ADDED
    if not existed:
        return [presence[-1]] if exists else []  # added (and maybe changed) meanwhile
    if not exists:
        return [presence[-1]]
    if presence:
        # Removed and added again: its fields then are not kept, so a mirror reads it anew.
        return [presence[0], presence[-1]]
    by_field: dict[str | None, list[ChangeRecord]] = defaultdict(list)
    for change in changes:
        by_field[change.field].append(change)
    net = []
    for name in sorted(by_field, key=str):
        first, last = by_field[name][0], by_field[name][-1]
        if first.old_value != last.new_value:
            net.append(
                ChangeRecord(
                    last.version,
                    last.entity_type,
                    last.entity_key,
                    ChangeKind.CHANGED,
                    name,
                    first.old_value,
                    last.new_value,
                )
            )
    return net
