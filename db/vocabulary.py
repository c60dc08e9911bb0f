"""The closed vocabularies of the dataset, defined once.

``db.rules`` refuses a dataset file that declares or uses a value outside them, so a kind added
to ``iom.yaml`` alone fails ``python -m db check`` instead of a query. The GraphQL enums
(``RelationshipKind``, ``InstitutionKind``, ``Confidence``, ``Severity``, ``Language``) list
exactly these values; ``tests/test_vocabularies.py`` keeps the two in step.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from db.tables import loaded


class LanguageCode(StrEnum):
    """Languages texts may be written in (ISO 639-1), in the order a missing text falls back."""

    EN = "en"
    FR = "fr"
    ES = "es"


class ConfidenceLevel(StrEnum):
    """How well a stated list or fact is supported (``confidence_levels`` in ``iom.yaml``)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class CoverageEvidenceKind(StrEnum):
    """What a page says about an office and a country (``coverage_evidence.kind``)."""

    # The page names the country among the countries the office covers (its list, or part).
    LISTS = "lists"
    # The page names the country in the office's work (a report, a programme, a consultation
    # it serves) without saying that the office covers it.
    MENTIONS = "mentions"
    # The page says another office covers the country (Guyana, Suriname: San José, not
    # Buenos Aires).
    ASSIGNED_ELSEWHERE = "assigned_elsewhere"


class SeverityLevel(StrEnum):
    """How much a data-quality note matters."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RelationshipKindSlug(StrEnum):
    """How an office relates to an institution (``relationship_kind.slug``)."""

    COOPERATES_WITH = "cooperates_with"
    SUPPORTS = "supports"
    LIAISON = "liaison"
    NEGOTIATION_CONSULTATION = "negotiation_consultation"
    RELATIONS = "relations"
    TECHNICAL_SECRETARIAT = "technical_secretariat"
    CO_CHAIRS = "co_chairs"
    # The partner of a co-chairing: the institution IOM co-chairs a body with (the body is the
    # CO_CHAIRS link's institution, named in the same phrase).
    CO_CHAIRS_WITH = "co_chairs_with"
    REPRESENTS_IOM_AT = "represents_iom_at"
    CAPACITY_BUILDING = "capacity_building"
    COLLABORATES_WITH = "collaborates_with"
    TECHNICAL_SUPPORT = "technical_support"
    TECHNICAL_SUPPORT_THROUGH = "technical_support_through"
    HOSTS = "hosts"
    ACTS_ON_BEHALF_OF = "acts_on_behalf_of"
    PROMOTES = "promotes"
    CONVENES = "convenes"
    COVERS_MEMBER_STATES_OF = "covers_member_states_of"
    COORDINATES_APPROACHES = "coordinates_approaches"


class InstitutionKindSlug(StrEnum):
    """What sort of body an institution is (``institution_kind.slug``)."""

    DEVELOPMENT_BANK = "development_bank"
    INITIATIVE = "initiative"
    INTER_AGENCY_MECHANISM = "inter_agency_mechanism"
    INTERGOVERNMENTAL_ORGANIZATION = "intergovernmental_organization"
    MILITARY_ALLIANCE = "military_alliance"
    OTHER = "other"
    REGIONAL_CONSULTATIVE_PROCESS = "regional_consultative_process"
    REGIONAL_ECONOMIC_COMMUNITY = "regional_economic_community"
    UN_ENTITY = "un_entity"


class DatePrecision(StrEnum):
    """How much of a partial date a source states: ``2024``, ``2011-09`` or ``2011-07-01``."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class SuccessionKind(StrEnum):
    """How an office came to follow another (``office_succession.kind``)."""

    MERGED_INTO = "merged_into"
    # The successor took over one function of the predecessor, not its region (the Global
    # Office in Brussels, Brussels' liaison with the EU): no date ties their periods.
    TOOK_OVER_FUNCTION = "took_over_function"


class OfficeKind(StrEnum):
    """What an office is (``regional_office.kind``)."""

    REGIONAL_OFFICE = "regional_office"
    # An office with a global function and no region (the Global Office in Brussels).
    LIAISON_OFFICE = "liaison_office"


class SourceKind(StrEnum):
    """What kind of source backs a fact or a text (``provenance.source_kind``,
    ``translation.source_kind``)."""

    SEED = "seed"  # the seed page states it (``seed_phrase`` holds its words)
    PAGE = "page"  # another page states it (``source_url``)
    # Standard reference data shipped with the service (ISO 3166-1 from pycountry): no page.
    REFERENCE_DATA = "reference_data"
    # Unicode CLDR's locale data (through babel): names where ISO 3166-1 gives none in a
    # language (84 Spanish country names, Kosovo). A standard, but not an official name: medium.
    CLDR = "cldr"
    # A choice of the dataset's editors (a classification, a display name, an acronym in common
    # use) that no stored page states; ``note`` / ``basis`` says what was decided.
    EDITORIAL = "editorial"


class SubjectType(StrEnum):
    """What a translation, provenance or data-quality row is about."""

    ORGANISATION = "organisation"
    LEADERSHIP = "leadership"
    OFFICE = "office"
    COUNTRY = "country"
    INSTITUTION = "institution"
    LINK = "link"
    DATA_QUALITY_NOTE = "data_quality_note"


class Language(SQLModel, table=True):
    """A language texts may be written in (ISO 639-1 code)."""

    __table_args__ = loaded("code")

    code: str = Field(primary_key=True, max_length=8)
    name_en: str


class RelationshipKind(SQLModel, table=True):
    """The closed vocabulary of office-to-institution relationships."""

    __tablename__ = "relationship_kind"
    __table_args__ = loaded("slug")
    slug: str = Field(primary_key=True, max_length=64)
    description_fr: str


class InstitutionKind(SQLModel, table=True):
    """The closed vocabulary of institution kinds."""

    __tablename__ = "institution_kind"
    __table_args__ = loaded("slug")
    slug: str = Field(primary_key=True, max_length=64)


def one_of(column: str, values: Iterable[str]) -> str:
    """The SQL condition of a closed vocabulary: ``column`` holds one of ``values``."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


def defaulted(value: StrEnum, length: int) -> Any:
    """A vocabulary column with a default that the database applies too (rows a migration
    adds the column to get it; the next load sets the true value)."""
    return Field(default=value, max_length=length, sa_column_kwargs={"server_default": value.value})


def subject_check(name: str) -> CheckConstraint:
    return CheckConstraint(one_of("subject_type", SubjectType), name=name)
