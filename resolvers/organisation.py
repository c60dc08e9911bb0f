"""The organisation (IOM): its row, figures and texts."""

from dataclasses import dataclass

from db.models import Organisation
from db.vocabulary import SubjectType
from resolvers.database import Database
from resolvers.records import records_of
from resolvers.texts import Texts


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    id: int
    slug: str
    founded_year: int
    member_states: int
    countries_present: int
    un_system_member: bool
    un_status_en: str | None
    un_joined: str | None
    headquarters_country_id: int
    texts: Texts


ORGANISATIONS = records_of(
    Organisation, OrganisationRecord, texts=SubjectType.ORGANISATION, order_by=("id",)
)
"""The organisations with their texts, by id (the edges to them: ``resolvers.edges``)."""


def the_organisation(db: Database) -> OrganisationRecord | None:
    """The one organisation the dataset describes (None before any load)."""
    found = ORGANISATIONS.read(db)
    return found[0] if found else None
