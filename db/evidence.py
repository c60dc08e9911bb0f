"""Evidence beside the entities: per-country coverage evidence (which page says what about an
office and a country) and the seed's statements about the organisation and an institution.

Apart from ``db.models`` (which keeps the curated entities) so each module stays short; the
loader and the migrations know both.
"""

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from db.tables import loaded
from db.vocabulary import ConfidenceLevel, CoverageEvidenceKind, one_of


class CoverageEvidence(SQLModel, table=True):
    """One page's word on one country of one office (``kind``: lists, mentions, or assigns it
    to another office). The country need not be in the office's list: Brussels' 2020-2024
    strategy names the United Kingdom, which no served list holds."""

    __tablename__ = "coverage_evidence"
    __table_args__ = (
        CheckConstraint(one_of("kind", CoverageEvidenceKind), name="ck_evidence_kind"),
        CheckConstraint(one_of("confidence", ConfidenceLevel), name="ck_evidence_confidence"),
        loaded("office_id", "country_id", "rank"),
    )
    office_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("regional_office.id"), primary_key=True, autoincrement=False
        )
    )
    country_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("country.id"),
            primary_key=True,
            autoincrement=False,
            index=True,
        )
    )
    # The item's position among the office's evidence (one page may speak of many countries).
    rank: int = Field(primary_key=True)
    kind: str = Field(max_length=32)
    source_url: str
    quote: str | None = None
    confidence: str = Field(max_length=8)
    note: str | None = None


class OrganisationStatement(SQLModel, table=True):
    """A relationship the seed page states between the organisation itself and an institution
    (IOM supports the 2030 Agenda): an office-institution link has an office at one end."""

    __tablename__ = "organisation_statement"
    __table_args__ = loaded("slug")
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    rank: int
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False, index=True)
    )
    institution_id: int = Field(
        sa_column=Column(Integer, ForeignKey("institution.id"), nullable=False, index=True)
    )
    relationship_kind: str = Field(
        sa_column=Column(String(64), ForeignKey("relationship_kind.slug"), nullable=False)
    )
    phrase_fr: str
    source_url: str
