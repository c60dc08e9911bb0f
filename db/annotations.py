"""What the curated facts say about a subject (an office, a country...): its texts in each
language (``translation``), the source of each fact (``provenance``), and the reference's
data-quality notes with the subjects they concern. Rows point at their subject by
``subject_type`` and ``subject_id`` (``db.vocabulary.SubjectType``), not by a foreign key.

Texts live in rows keyed by subject, field and language: a new language is new rows, not a new
column.
"""

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.tables import loaded
from db.vocabulary import (
    ConfidenceLevel,
    SeverityLevel,
    SourceKind,
    SubjectType,
    defaulted,
    one_of,
    subject_check,
)


class Translation(SQLModel, table=True):
    """One text of one subject in one language (name, title, acronym, city, region...)."""

    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "field", "language", name="uq_translation"),
        Index("ix_translation_subject", "subject_type", "subject_id"),
        subject_check("ck_translation_subject"),
    )
    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=32)
    subject_id: int
    field: str = Field(max_length=32)
    language: str = Field(sa_column=Column(String(8), ForeignKey("language.code"), nullable=False))
    text: str
    source_url: str | None = None
    basis: str | None = None
    source_kind: str = defaulted(SourceKind.EDITORIAL, 16)
    # How far the text can be trusted (``db.vocabulary.ConfidenceLevel``): low when unverified.
    confidence: str = defaulted(ConfidenceLevel.LOW, 8)
    # The seed page's exact wording, when the text is taken or edited from it.
    seed_phrase: str | None = None


class Provenance(SQLModel, table=True):
    """Where one fact about a subject comes from: a URL, and the seed phrase when it is the seed."""

    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "fact", name="uq_provenance"),
        Index("ix_provenance_subject", "subject_type", "subject_id"),
        subject_check("ck_provenance_subject"),
    )
    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=32)
    subject_id: int
    fact: str = Field(max_length=64)
    source_url: str | None = None
    seed_phrase: str | None = None
    note: str | None = None
    source_kind: str = defaulted(SourceKind.EDITORIAL, 16)
    # HIGH when the page or seed states the fact, LOW for the editors' own (migration 0007).
    confidence: str | None = Field(default=None, max_length=8)


class DataQualityNote(SQLModel, table=True):
    """An inconsistency or stale fact of the seed page, as the reference records it."""

    __tablename__ = "data_quality_note"
    __table_args__ = (
        CheckConstraint(one_of("severity", SeverityLevel), name="ck_note_severity"),
        loaded("slug", subject_type=SubjectType.DATA_QUALITY_NOTE),
    )
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    rank: int
    severity: str = Field(max_length=8)
    text: str
    seed_phrase: str | None = None


class DataQualityNoteSubject(SQLModel, table=True):
    """Attaches a data-quality note to one entity it concerns."""

    __tablename__ = "data_quality_note_subject"
    __table_args__ = (
        Index("ix_note_subject_subject", "subject_type", "subject_id"),
        subject_check("ck_note_subject_subject"),
    )
    note_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("data_quality_note.id"), primary_key=True, autoincrement=False
        )
    )
    subject_type: str = Field(primary_key=True, max_length=32)
    subject_id: int = Field(primary_key=True)
