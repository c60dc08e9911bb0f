"""Relationships the seed page states between the organisation itself and an institution."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.statement import StatementRecord
from schema.context import Info
from schema.link import Evidence, RelationshipKind

if TYPE_CHECKING:
    from schema.institution import Institution
    from schema.organisation import Organisation

InstitutionRef = Annotated["Institution", strawberry.lazy("schema.institution")]
OrganisationRef = Annotated["Organisation", strawberry.lazy("schema.organisation")]


@strawberry.type(
    description="A relationship the seed page states between the organisation itself (not an "
    "office) and an institution: IOM supports the 2030 Agenda."
)
class OrganisationStatement:
    slug: str = strawberry.field(description="Natural key, e.g. `statement-001`.")
    relationship: RelationshipKind = strawberry.field(description="What the organisation does.")
    evidence: Evidence = strawberry.field(description="The seed page's words that state it.")
    record: strawberry.Private[StatementRecord]

    @classmethod
    def from_record(cls, record: StatementRecord) -> "OrganisationStatement":
        return cls(
            slug=record.slug,
            relationship=RelationshipKind(record.relationship_kind),
            evidence=Evidence(
                phrase=record.phrase_fr,
                governing_phrase=None,
                language="fr",
                source_url=record.source_url,
            ),
            record=record,
        )

    @strawberry.field(description="The organisation that the statement is about.")
    def organisation(self, info: Info) -> OrganisationRef:
        from schema.organisation import Organisation

        record = info.context.loaders.organisation_by_id.found[self.record.organisation_id]
        return Organisation.from_record(record)

    @strawberry.field(description="The institution the organisation relates to.")
    def institution(self, info: Info) -> InstitutionRef:
        from schema.institution import Institution

        record = info.context.loaders.institution_by_id.found[self.record.institution_id]
        return Institution.from_record(record)
