"""Leadership positions and offices, and who reports to whom."""

from dataclasses import dataclass

from db.models import LeadershipUnit
from db.vocabulary import SubjectType
from resolvers.records import records_of
from resolvers.texts import Texts


@dataclass(frozen=True, slots=True)
class LeadershipRecord:
    id: int
    slug: str
    kind: str
    rank: int
    organisation_id: int
    reports_to_id: int | None
    holder_name: str | None
    holder_interim: bool
    holder_source_url: str | None
    holder_note: str | None
    notes: str | None
    texts: Texts


UNITS = records_of(
    LeadershipUnit, LeadershipRecord, texts=SubjectType.LEADERSHIP, order_by=("rank",)
)
"""The units with their texts, by rank: the edges to them (by id, slug, organisation and
manager) are declared in ``resolvers.edges``."""
