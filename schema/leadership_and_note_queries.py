"""Root fields on the leadership and on the data-quality notes (composed into
``schema.query.Query``)."""

from typing import Annotated

import strawberry

from resolvers.bounds import NOTES
from schema.context import Info
from schema.extensions.field_bounds import bounded
from schema.filters import SLUG_NOTE, enum_values, slug_value
from schema.leadership import LeadershipPosition
from schema.provenance import DataQualityNote, Severity


@strawberry.type(description="Root fields on the leadership.")
class LeadershipQueries:
    @strawberry.field(description="A leadership position or office by slug; null if unknown.")
    def leadership_position(
        self,
        info: Info,
        slug: Annotated[
            str, strawberry.argument(description=f"e.g. `director-general`. {SLUG_NOTE}")
        ],
    ) -> LeadershipPosition | None:
        record = info.context.loaders.leadership_by_slug.load(slug_value(slug))
        return LeadershipPosition.from_record(record) if record else None


@strawberry.type(description="Root fields on data-quality notes.")
class DataQualityNoteQueries:
    @strawberry.field(description="A data-quality note by slug; null if unknown.")
    def data_quality_note(
        self,
        info: Info,
        slug: Annotated[
            str, strawberry.argument(description=f"e.g. `count-eight-vs-nine`. {SLUG_NOTE}")
        ],
    ) -> DataQualityNote | None:
        record = info.context.loaders.note_by_slug.load(slug_value(slug))
        return DataQualityNote.from_record(record) if record else None

    @strawberry.field(
        metadata=bounded(NOTES),
        description="Every data-quality note of the reference, most severe first.",
    )
    def data_quality_notes(
        self,
        info: Info,
        severity: Annotated[
            list[Severity] | None, strawberry.argument(description="Only these severities.")
        ] = None,
    ) -> list[DataQualityNote]:
        severities = enum_values(severity)  # type: ignore[arg-type]
        records = info.context.dataset.lists.notes(severities)
        return [DataQualityNote.from_record(r) for r in records]
