"""The LeadershipPosition type: the Director General, the deputies and the DG's offices."""

from enum import Enum
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from db.vocabulary import SubjectType
from resolvers.edges import Edges
from resolvers.leadership import LeadershipRecord
from schema.context import Info
from schema.entity import KeyedNode
from schema.extensions.field_bounds import bounded
from schema.language import LangArgument, localized, required_text
from schema.provenance import Sourced

if TYPE_CHECKING:
    from schema.organisation import Organisation

OrganisationRef = Annotated["Organisation", strawberry.lazy("schema.organisation")]


@strawberry.enum(description="Whether a leadership unit is a post held by a person or an office.")
class LeadershipKind(Enum):
    POSITION = strawberry.enum_value("position", description="A post held by one person.")
    OFFICE = strawberry.enum_value("office", description="An office of the headquarters.")


@strawberry.type(description="The person who holds a position, as an undated IOM page names them.")
class Holder:
    name: str = strawberry.field(description="The holder's name as the source gives it.")
    interim: bool = strawberry.field(description="True when the source says ad interim.")
    source_url: str = strawberry.field(description="The IOM page that names the holder.")


@strawberry.federation.type(
    keys=["slug"],
    description="A leadership position or office of IOM, with who reports to whom (the page's "
    "menu lists six).",
)
class LeadershipPosition(Sourced, KeyedNode):
    subject_type: ClassVar[SubjectType] = SubjectType.LEADERSHIP
    key_edge = Edges.leadership_by_slug
    id_edge = Edges.leadership_by_id
    slug: str = strawberry.field(description="Natural key, e.g. `director-general`.")
    kind: LeadershipKind = strawberry.field(description="A post or an office.")
    notes: str | None = strawberry.field(description="What to know about the entry (English).")
    holder_note: str | None = strawberry.field(description="Why no holder is given, when none is.")
    record: strawberry.Private[LeadershipRecord]

    @classmethod
    def from_record(cls, record: LeadershipRecord) -> "LeadershipPosition":
        return cls(
            slug=record.slug,
            kind=LeadershipKind(record.kind),
            notes=record.notes,
            holder_note=record.holder_note,
            record=record,
        )

    @strawberry.field(description="Title; the French title is the seed page's own wording.")
    def title(self, info: Info, lang: LangArgument = None) -> str:
        return required_text(self.record.texts, "title", lang, info)

    @strawberry.field(description="Title of the office's head, where a source gives it.")
    def head_title(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "head_title", lang, info)

    @strawberry.field(description="Order on the seed page's menu (1 to 6).")
    def rank(self) -> int:
        return self.record.rank

    @strawberry.field(description="The holder, where a source names one; null otherwise.")
    def holder(self) -> Holder | None:
        record = self.record
        if record.holder_name is None or record.holder_source_url is None:
            return None
        return Holder(
            name=record.holder_name,
            interim=record.holder_interim,
            source_url=record.holder_source_url,
        )

    @strawberry.field(description="The position this one reports to; null for the top.")
    def reports_to(self, info: Info) -> "LeadershipPosition | None":
        if self.record.reports_to_id is None:
            return None
        record = info.context.loaders.leadership_by_id.load(self.record.reports_to_id)
        return LeadershipPosition.from_record(record) if record else None

    @strawberry.field(
        metadata=bounded(Edges.direct_reports),
        description="The positions and offices reporting directly to this one.",
    )
    def direct_reports(self, info: Info) -> list["LeadershipPosition"]:
        records = info.context.loaders.direct_reports.load(self.record.id)
        return [LeadershipPosition.from_record(r) for r in records]

    @strawberry.field(description="The organisation.")
    def organisation(self, info: Info) -> OrganisationRef:
        from schema.organisation import Organisation

        record = info.context.loaders.organisation_by_id.found[self.record.organisation_id]
        return Organisation.from_record(record)
