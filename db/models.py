"""The tables of the curated facts, as SQLModel classes. The vocabulary tables live with their
enums in ``db.vocabulary``; the texts, sources and notes about them in ``db.annotations``; the
evidence beside them in ``db.evidence``; what the loader derives in ``db.derived``.

Importing this module registers every table the loader writes (``db.tables.loaded_tables``
reads them from ``SQLModel.metadata``); each says how in its ``__table_args__``
(``db.tables.loaded``: its natural key and subject type). Natural keys are unique and indexed;
foreign keys are enforced on both engines (see ``db.engine``).
"""

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from db.annotations import DataQualityNote as DataQualityNote
from db.annotations import DataQualityNoteSubject as DataQualityNoteSubject
from db.annotations import Provenance as Provenance
from db.annotations import Translation as Translation
from db.evidence import CoverageEvidence as CoverageEvidence
from db.evidence import OrganisationStatement as OrganisationStatement
from db.tables import loaded
from db.vocabulary import ConfidenceLevel, OfficeKind, SubjectType, SuccessionKind, one_of


class Country(SQLModel, table=True):
    """An ISO 3166-1 country, or a user-assigned code the reference lists (Kosovo)."""

    __table_args__ = loaded("alpha3", subject_type=SubjectType.COUNTRY)

    id: int | None = Field(default=None, primary_key=True)
    alpha2: str = Field(max_length=2, unique=True, index=True)
    alpha3: str = Field(max_length=3, unique=True, index=True)
    numeric: str | None = Field(default=None, max_length=3)
    is_iso: bool = True
    note: str | None = None


class Organisation(SQLModel, table=True):
    """The organisation itself (one row: IOM)."""

    __table_args__ = loaded("slug", subject_type=SubjectType.ORGANISATION)

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
    __table_args__ = (
        CheckConstraint("kind IN ('position', 'office')", name="ck_leadership_kind"),
        loaded("slug", subject_type=SubjectType.LEADERSHIP),
    )
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
        loaded("slug", subject_type=SubjectType.OFFICE),
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
        loaded("predecessor_id", "successor_id"),
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
    __table_args__ = loaded("country_id", "office_id")
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
        loaded("slug", subject_type=SubjectType.INSTITUTION),
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
    __table_args__ = loaded("slug", subject_type=SubjectType.LINK)
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
