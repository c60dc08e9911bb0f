"""The organisation's statements: relationships the seed states between IOM itself and an
institution, batch-loaded from either end."""

from dataclasses import dataclass

from db.evidence import OrganisationStatement
from resolvers.records import records_of


@dataclass(frozen=True, slots=True)
class StatementRecord:
    id: int
    slug: str
    rank: int
    organisation_id: int
    institution_id: int
    relationship_kind: str
    phrase_fr: str
    source_url: str


STATEMENTS = records_of(OrganisationStatement, StatementRecord, order_by=("rank",))
"""The statements in the seed page's order, read from either end (``resolvers.edges``)."""
