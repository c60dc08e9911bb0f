"""The tables of the curated facts, as SQLModel classes. The vocabulary tables live with their
enums in ``db.vocabulary``; the two the loader derives (search terms, version) in ``db.derived``.

Texts live in ``translation`` rows keyed by subject, field and language (a new language is new
rows, not a new column). ``provenance`` rows carry the source of each other fact, and each text its
own; ``data_quality_note_subject`` attaches the reference's notes to what they concern. Natural
keys are unique and indexed; foreign keys are enforced on both engines (see ``db.engine``).
"""

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from db.vocabulary import (
    ConfidenceLevel,
    OfficeKind,
    SeverityLevel,
    SourceKind,
    SuccessionKind,
    defaulted,
    one_of,
    subject_check,
)


class Country(SQLModel, table=True):
    """An ISO 3166-1 country, or a user-assigned code the reference lists (Kosovo)."""

    id: int | None = Field(default=None, primary_key=True)
    alpha2: str = Field(max_length=2, unique=True, index=True)
    alpha3: str = Field(max_length=3, unique=True, index=True)
    numeric: str | None = Field(default=None, max_length=3)
    is_iso: bool = True
    note: str | None = None


class Organisation(SQLModel, table=True):
    """The organisation itself (one row: IOM)."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    founded_year: int
    member_states: int
    countries_present: int
    un_system_member: bool
    un_status_en: str | None = None
    un_joined: str | None = Field(default=None, max_length=16)
    headquarters_country_id: int = Field(
        sa_column=Column(Integer, ForeignKey("country.id"), nullable=False)
    )


class LeadershipUnit(SQLModel, table=True):
    """A leadership position (Director General, deputies) or an office of the DG's cabinet."""

    __tablename__ = "leadership_unit"
    __table_args__ = (CheckConstraint("kind IN ('position', 'office')", name="ck_leadership_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    kind: str = Field(max_length=16)
    rank: int
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    reports_to_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("leadership_unit.id"), nullable=True, index=True),
    )
    holder_name: str | None = None
    holder_interim: bool = False
    holder_source_url: str | None = None
    holder_note: str | None = None
    notes: str | None = None


class RegionalOffice(SQLModel, table=True):
    """An office: one of the nine regional offices the seed page describes, a 2024 successor, or
    the Global Office in Brussels (``kind`` liaison_office: no region, no coverage)."""

    __tablename__ = "regional_office"
    __table_args__ = (
        CheckConstraint(
            one_of("coverage_confidence", ConfidenceLevel), name="ck_office_confidence"
        ),
        CheckConstraint(one_of("kind", OfficeKind), name="ck_office_kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    rank: int
    kind: str = Field(
        default=OfficeKind.REGIONAL_OFFICE,
        max_length=32,
        sa_column_kwargs={"server_default": OfficeKind.REGIONAL_OFFICE.value},
    )
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    host_country_id: int = Field(
        sa_column=Column(Integer, ForeignKey("country.id"), nullable=False, index=True)
    )
    seed_heading: str | None = None  # null for an office the seed page does not describe
    # Null together for an office that supports no country (the liaison office): no page
    # states a coverage, so none is served.
    coverage_confidence: str | None = Field(default=None, max_length=8)
    coverage_source_url: str | None = None
    coverage_method: str | None = None
    coverage_derived: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    status_note: str | None = None
    status_note_source_url: str | None = None
    notes: str | None = None
    # The period of validity: partial dates (``2024``, ``2011-09``), each with its source and
    # quote, or null with the reason no date is given (``*_unknown``). Precisions are checked by
    # the loader (db.vocabulary.DatePrecision), not by a CHECK: adding one would make SQLite
    # rebuild this table, which the foreign keys pointing at it forbid once it holds rows.
    valid_from: str | None = Field(default=None, max_length=10)
    valid_from_precision: str | None = Field(default=None, max_length=8)
    valid_from_source_url: str | None = None
    valid_from_quote: str | None = None
    valid_from_confidence: str | None = Field(default=None, max_length=8)
    valid_from_derivation: str | None = None
    valid_from_unknown: str | None = None
    valid_until: str | None = Field(default=None, max_length=10)
    valid_until_precision: str | None = Field(default=None, max_length=8)
    valid_until_source_url: str | None = None
    valid_until_quote: str | None = None
    valid_until_confidence: str | None = Field(default=None, max_length=8)
    valid_until_derivation: str | None = None
    valid_until_unknown: str | None = None
    # Only for a start no page dates: the earliest partial date a page supports the office
    # existing, with its source; before it the office is served UNCERTAIN (migration 0007).
    attested_from: str | None = Field(default=None, max_length=10)
    attested_from_precision: str | None = Field(default=None, max_length=8)
    attested_from_source_url: str | None = None
    attested_from_quote: str | None = None
    attested_from_confidence: str | None = Field(default=None, max_length=8)
    attested_from_derivation: str | None = None


class OfficeSuccession(SQLModel, table=True):
    """An office that follows another (the 2024 mergers), with the page and phrase stating it."""

    __tablename__ = "office_succession"
    __table_args__ = (
        CheckConstraint(one_of("kind", SuccessionKind), name="ck_succession_kind"),
        CheckConstraint(one_of("confidence", ConfidenceLevel), name="ck_succession_confidence"),
    )
    predecessor_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("regional_office.id"), primary_key=True, autoincrement=False
        )
    )
    successor_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("regional_office.id"),
            primary_key=True,
            autoincrement=False,
            index=True,
        )
    )
    kind: str = Field(max_length=32)
    source_url: str
    quote: str
    confidence: str = Field(max_length=8)
    # How the change was inferred when the quote does not state it in words.
    derivation: str | None = None


class OfficeCountry(SQLModel, table=True):
    """Coverage: an office that supports a country while the office is in force.

    A country can be supported by successive offices (Vienna, then Europe and Central Asia);
    ``db.rules`` refuses two offices supporting one country at the same moment.
    """

    __tablename__ = "office_country"
    country_id: int = Field(
        sa_column=Column(Integer, ForeignKey("country.id"), primary_key=True, autoincrement=False)
    )
    office_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("regional_office.id"),
            primary_key=True,
            autoincrement=False,
            index=True,
        )
    )
    inferred: bool = False


class Institution(SQLModel, table=True):
    """A body, process or initiative the seed page names."""

    __table_args__ = (
        CheckConstraint(
            "confidence IS NULL OR " + one_of("confidence", ConfidenceLevel),
            name="ck_institution_confidence",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    kind: str = Field(
        sa_column=Column(
            String(64), ForeignKey("institution_kind.slug"), nullable=False, index=True
        )
    )
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("institution.id"), nullable=True, index=True),
    )
    acronym_in_seed: str | None = None
    generic: bool = False
    iom_internal: bool = False
    confidence: str | None = Field(default=None, max_length=8)
    notes: str | None = None


class OfficeInstitutionLink(SQLModel, table=True):
    """A relationship the seed page states between an office and an institution."""

    __tablename__ = "office_institution_link"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    rank: int
    office_id: int = Field(
        sa_column=Column(Integer, ForeignKey("regional_office.id"), nullable=False, index=True)
    )
    institution_id: int = Field(
        sa_column=Column(Integer, ForeignKey("institution.id"), nullable=False, index=True)
    )
    relationship_kind: str = Field(
        sa_column=Column(String(64), ForeignKey("relationship_kind.slug"), nullable=False)
    )
    # The seed's phrase; null for a link another page states (``quote``, migration 0007).
    phrase_fr: str | None = None
    governing_phrase_fr: str | None = None
    source_url: str
    quote: str | None = None
    quote_language: str | None = Field(default=None, max_length=8)


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
    __table_args__ = (CheckConstraint(one_of("severity", SeverityLevel), name="ck_note_severity"),)
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
