"""The history of dataset versions: the versions kept, what changed since one, and a live event
per new version (``datasetChanged``, over WebSocket)."""

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from db.history import ChangeKind
from resolvers import dataset_history as history
from resolvers.arguments import check_length
from resolvers.bounds import HISTORY
from resolvers.errors import UserInputError
from resolvers.pagination import PageRequest
from schema.context import Info
from schema.extensions.field_bounds import bounded
from schema.pagination import After, Before, Connection, First, Last, connection

VERSION_LENGTH = 64  # a SHA-256 in hex
VERSION_NOTE = (
    "A dataset version: the content hash `X-Dataset-Version` carries "
    f"(at most {VERSION_LENGTH} characters)."
)


@strawberry.enum(description="What happened to an entity in a load.")
class DatasetChangeKind(Enum):
    ADDED = strawberry.enum_value(ChangeKind.ADDED.value, description="The entity is new.")
    REMOVED = strawberry.enum_value(ChangeKind.REMOVED.value, description="The entity is gone.")
    CHANGED = strawberry.enum_value(
        ChangeKind.CHANGED.value, description="One field of the entity has a new value."
    )


@strawberry.type(
    description="One change of the dataset: an entity added or removed, or one field of it "
    "changed (old and new value). Entities are named by their natural key, never by an id."
)
class DatasetChange:
    version: str = strawberry.field(description="The version whose load made this change.")
    entity_type: str = strawberry.field(
        description="The kind of entity: `regional_office`, `country`, `institution`, "
        "`office_institution_link`, `office_country` (coverage), `leadership_unit`, "
        "`data_quality_note`, ..."
    )
    entity_key: str = strawberry.field(
        description="Its natural key: a slug (`nairobi`), an alpha-3 code (`KEN`), or the keys "
        "it joins, separated by `/` (`KEN/nairobi`)."
    )
    kind: DatasetChangeKind = strawberry.field(description="Added, removed or changed.")
    field: str | None = strawberry.field(
        description="The field that changed (`name.en`, `valid_until`, "
        "`provenance.host_country.source_url`); null for an entity added or removed."
    )
    old_value: str | None = strawberry.field(description="Its value before, as text.")
    new_value: str | None = strawberry.field(description="Its value after, as text.")

    @classmethod
    def from_record(cls, record: history.ChangeRecord) -> "DatasetChange":
        return cls(
            version=record.version,
            entity_type=record.entity_type,
            entity_key=record.entity_key,
            kind=DatasetChangeKind(record.kind.value),
            field=record.field,
            old_value=record.old_value,
            new_value=record.new_value,
        )


@strawberry.type(description="A version of the dataset: a load that changed it.")
class DatasetVersion:
    load_id: strawberry.Private[int]
    version: str = strawberry.field(description=VERSION_NOTE)
    previous_version: str | None = strawberry.field(
        description="The version this one replaced; null for the first load."
    )
    loaded_at: datetime = strawberry.field(description="When the load wrote this version (UTC).")
    added: int = strawberry.field(description="Entities added (every entity on a first load).")
    removed: int = strawberry.field(description="Entities removed.")
    changed: int = strawberry.field(description="Fields changed.")

    @classmethod
    def from_record(cls, record: history.VersionRecord) -> "DatasetVersion":
        return cls(
            load_id=record.load_id,
            version=record.version,
            previous_version=record.previous_version,
            loaded_at=record.loaded_at,
            added=record.added,
            removed=record.removed,
            changed=record.changed,
        )

    @strawberry.field(
        metadata=bounded(HISTORY),
        description="What this load changed (none listed for a first load: everything is new).",
    )
    async def changes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DatasetChange]:
        db = info.context.db
        records = await db.run(history.changes_of, db, [self.load_id])
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            DatasetChange.from_record,
        )


@strawberry.type(description="What changed from a version a client holds to the version now.")
class DatasetChangesSince:
    records: strawberry.Private[list[history.ChangeRecord]]
    since: str = strawberry.field(description="The version the client holds.")
    version: str | None = strawberry.field(description="The version now (of this response).")

    @strawberry.field(
        metadata=bounded(HISTORY),
        description="The net changes from `since` to `version`, by entity then field: an entity "
        "added and removed meanwhile is not listed; a field changed twice is listed once.",
    )
    def changes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DatasetChange]:
        return connection(
            self.records,
            PageRequest(first, after, last, before, info.context.page_limits),
            DatasetChange.from_record,
        )


@strawberry.type(description="Root fields on the dataset's history.")
class DatasetHistoryQueries:
    @strawberry.field(
        metadata=bounded(HISTORY),
        description="The versions of the dataset kept (the newest 100 by default), newest first.",
    )
    async def dataset_versions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DatasetVersion]:
        db = info.context.db
        records = await db.run(history.list_versions, db)
        return connection(
            records,
            PageRequest(first, after, last, before, info.context.page_limits),
            DatasetVersion.from_record,
        )

    @strawberry.field(
        description="What changed since a version a client holds, so that a mirror catches up "
        "in one request. `UNKNOWN_DATASET_VERSION` when the history kept does not hold it."
    )
    async def dataset_changes(
        self,
        info: Info,
        since: Annotated[str, strawberry.argument(description=VERSION_NOTE)],
    ) -> DatasetChangesSince:
        check_length(since, "since", VERSION_LENGTH)
        db, version = info.context.db, info.context.dataset.version
        records = await db.run(history.changes_since, db, since, version)
        return DatasetChangesSince(records=records, since=since, version=version)


@strawberry.type(description="Live events, over WebSocket (`graphql-transport-ws`) at /graphql.")
class Subscription:
    @strawberry.subscription(
        description="One event per new dataset version, on every replica, with what changed. "
        "Capped per client and per process (`TOO_MANY_SUBSCRIPTIONS`)."
    )
    async def dataset_changed(self, info: Info) -> AsyncGenerator[DatasetVersion, None]:
        events = info.context.dataset_events
        if events is None:
            raise UserInputError("subscriptions are served over WebSocket at /graphql")
        async with events.subscribe(info.context.client) as versions:
            async for record in versions:
                yield DatasetVersion.from_record(record)
