"""Provenance on every entity: the sources of its facts and the data-quality notes about it."""

from enum import Enum
from typing import Any, ClassVar

import strawberry
from strawberry import relay

from db.vocabulary import SubjectType
from resolvers.edges import Edges
from resolvers.provenance import NoteRecord
from schema.context import Info
from schema.entity import KeyedNode
from schema.extensions.field_bounds import bounded
from schema.language import LangArgument
from schema.localized import LocalizedText, TextFieldArgument, localized_text
from schema.source import Confidence as Confidence
from schema.source import Source, sources_of
from schema.source import SourceKind as SourceKind

SOURCES_DESCRIPTION = "Where each fact about this entity comes from."
NOTES_DESCRIPTION = "Data-quality notes of the reference that concern this entity."


@strawberry.enum(description="How much a data-quality note matters.")
class Severity(Enum):
    HIGH = strawberry.enum_value("high", description="Changes what a reader should conclude.")
    MEDIUM = strawberry.enum_value("medium", description="A naming or modelling choice to know.")
    LOW = strawberry.enum_value("low", description="Cosmetic or minor.")


@strawberry.type(
    description="An inconsistency or stale fact in the seed page, and what it concerns."
)
class DataQualityNote(KeyedNode):
    subject_type: ClassVar[SubjectType] = SubjectType.DATA_QUALITY_NOTE
    key_edge = Edges.note_by_slug
    id_edge = Edges.note_by_id

    slug: str = strawberry.field(description="Natural key, e.g. `count-eight-vs-nine`.")
    severity: Severity = strawberry.field(description="How much the note matters.")
    text: str = strawberry.field(description="The note (English).")
    seed_phrase: str | None = strawberry.field(
        description="The seed page's phrase the note is about, when there is one."
    )
    note_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: NoteRecord) -> "DataQualityNote":
        return cls(
            slug=record.slug,
            severity=Severity(record.severity),
            text=record.text,
            seed_phrase=record.seed_phrase,
            note_id=record.id,
        )

    @strawberry.field(
        metadata=bounded(Edges.subjects_by_note), description="The entities the note concerns."
    )
    def concerns(self, info: Info) -> list[relay.Node]:
        from schema.node import node_for_subject

        subjects = info.context.loaders.subjects_by_note.load(self.note_id)
        found = [node_for_subject(info, subject_type, key) for subject_type, key in subjects]
        return [node for node in found if node is not None]

    @strawberry.field(
        metadata=bounded(Edges.sources_by_subject), description="The pages the note rests on."
    )
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, SubjectType.DATA_QUALITY_NOTE, self.note_id)


@strawberry.interface(
    description="An entity whose facts carry their sources, and which data-quality notes "
    "may concern: the organisation, leadership positions, offices, countries, institutions."
)
class Sourced:
    # Each implementing type names its kind of subject and keeps its row in ``record``.
    subject_type: ClassVar[SubjectType]
    record: strawberry.Private[Any]

    @strawberry.field(metadata=bounded(Edges.sources_by_subject), description=SOURCES_DESCRIPTION)
    def sources(self, info: Info) -> list[Source]:
        return sources_of(info, self.subject_type, self.record.id)

    @strawberry.field(
        description="One of the entity's texts with the language it is in, whether it is a "
        "fallback, and its source and confidence; null when the entity has no such text. The "
        "plain text fields serve the same text without saying so."
    )
    def localized_text(
        self, info: Info, field: TextFieldArgument, lang: LangArgument = None
    ) -> LocalizedText | None:
        subject = (self.subject_type.value, self.record.id)
        return localized_text(self.record.texts, field, lang, info, subject)

    @strawberry.field(metadata=bounded(Edges.notes_by_subject), description=NOTES_DESCRIPTION)
    def data_quality_notes(self, info: Info) -> list[DataQualityNote]:
        subject = (self.subject_type, self.record.id)
        records = info.context.loaders.notes_by_subject.load(subject)
        return [DataQualityNote.from_record(r) for r in records]
