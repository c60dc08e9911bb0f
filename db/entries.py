"""What the dataset file holds, entry by entry: its shape, as pydantic models.

Shape only: a field's type and whether it must be there. Rules between entries (known slugs,
phrases found in the seed page, the vocabularies) are ``db.rules``.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from db.vocabulary import (
    ConfidenceLevel,
    CoverageEvidenceKind,
    DatePrecision,
    OfficeKind,
    SeverityLevel,
    SuccessionKind,
)

SEED_SOURCE = "seed"  # a ``source`` naming the seed page rather than a URL


class Strict(BaseModel):
    """Entries whose every key is modelled.

    A field typed with a ``db.vocabulary`` enum is checked against it but keeps its plain string
    (``use_enum_values``): rows and tables hold strings.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


class Open(BaseModel):
    """Entries whose extra, descriptive keys are kept as documentation but not modelled."""

    model_config = ConfigDict(extra="allow", frozen=True, use_enum_values=True)


class SourcedText(Strict):
    """A text and its source. Without a source it is editorial and ``basis`` says why; its
    confidence defaults to high when a page states it, low otherwise."""

    text: str
    source: str | None = None
    basis: str | None = None
    seed_phrase: str | None = None
    confidence: ConfidenceLevel | None = None


class SourcedValue(Open):
    value: int
    source: str
    seed_phrase: str | None = None
    note: str | None = None


class SeedPage(Strict):
    file: str
    url: str
    language: str
    url_note: str | None = None


class UnSystem(Strict):
    member: bool
    source: str
    seed_phrase: str
    status_en: str
    status_source: str
    status_quote: str | None = None
    joined: str
    joined_source: str
    joined_note: str | None = None


class Headquarters(Strict):
    city: dict[str, str]
    country: str
    source: str
    quote: str


class OrganisationStatement(Strict):
    """A relationship the seed states between the organisation itself and an institution."""

    slug: str
    institution: str
    relationship: str
    phrase_fr: str


class Organisation(Open):
    slug: str
    names: dict[str, SourcedText]
    acronyms: dict[str, str]
    acronyms_source_note: str
    founded: SourcedValue
    member_states: SourcedValue
    countries_present: SourcedValue
    un_system: UnSystem
    headquarters: Headquarters
    statements: list[OrganisationStatement] = Field(default_factory=list)


class Holder(Open):
    name: str
    interim: bool
    source: str


class LeadershipUnit(Open):
    slug: str
    kind: Literal["position", "office"]
    titles: dict[str, SourcedText]
    reports_to: str | None
    holder: Holder | None
    holder_note: str | None = None
    head_title_en: str | None = None
    notes: str | None = None


class StatusNote(Strict):
    text: str
    source: str


class CoverageEvidence(Strict):
    """One page's word on some countries of an office: what it says (``kind``), the phrase
    when the reference quotes it, and how strongly it supports that the office covers them."""

    kind: CoverageEvidenceKind
    source: str
    quote: str | None = None
    confidence: ConfidenceLevel
    note: str | None = None
    countries: list[str]


class Coverage(Strict):
    confidence: ConfidenceLevel
    source: str | None
    method: str
    countries: list[str]
    # Per-country evidence; a country of ``countries`` is inferred unless an item of
    # confidence high lists it (db.evidence_rows).
    evidence: list[CoverageEvidence] = Field(default_factory=list)
    # The offices whose lists this one unites (a successor's), when no page states its own.
    derived_from: list[str] = Field(default_factory=list)


class DateFact(Strict):
    """A partial date with the page and phrase that state it, or null with the reason.

    ``value`` is an ISO 8601 prefix at ``precision`` (``2024``, ``2011-09``, ``2011-07-01``).
    When no page states the date, ``value`` is null and ``unknown`` says why (an open end, or
    no page found); the date is never filled in.
    """

    value: str | None
    precision: DatePrecision | None = None
    source: str | None = None
    quote: str | None = None
    confidence: ConfidenceLevel | None = None
    derivation: str | None = None
    unknown: str | None = None


class Predecessor(Strict):
    """An office this one follows, how, and the page that says so."""

    office: str
    kind: SuccessionKind
    source: str
    quote: str
    confidence: ConfidenceLevel
    # How the change follows from the quote when the quote does not state it in words.
    derivation: str | None = None


class PageQuote(Strict):
    """A page and the words of it that state a text."""

    url: str
    quote: str


class Office(Open):
    slug: str
    kind: OfficeKind = OfficeKind.REGIONAL_OFFICE
    names: dict[str, SourcedText]
    city: dict[str, str]
    # The page giving the city's name in a language other than the seed's French.
    city_sources: dict[str, PageQuote] = Field(default_factory=dict)
    # Where a page says the office is based when it names no city ("based in Panama").
    location: dict[str, SourcedText] = Field(default_factory=dict)
    seed_heading: str | None
    region: dict[str, SourcedText]
    host_country: str
    status_note: StatusNote | None
    # Null for an office no page gives a coverage (the liaison office).
    coverage: Coverage | None
    valid_from: DateFact
    valid_until: DateFact
    # For a start no page dates: the earliest day a page supports the office existing (the
    # 2011 structure, the 2024 reorganisation). Before it, the office is served UNCERTAIN.
    attested_from: DateFact | None = None
    predecessors: list[Predecessor] = Field(default_factory=list)
    notes: dict[str, str] | None = None


class ExternalFact(Strict):
    title: str  # the fact's name among the institution's sources (at most 64 characters)
    fact: str
    source: str


class CurrentName(Strict):
    en: str
    acronym: str
    since: str
    source: str


class Institution(Open):
    slug: str
    kind: str
    names: dict[str, SourcedText]
    acronyms: dict[str, str]
    acronym_in_seed: str | None
    parent: str | None = None
    # The seed's words tying it to its parent ("son Bureau d’appui régional"), when it has them;
    # otherwise ``parent_note`` may say why the editors placed it there.
    parent_seed_phrase: str | None = None
    parent_note: str | None = None
    generic: bool
    iom_internal: bool
    confidence: ConfidenceLevel | None = None
    notes: str | None = None
    current_name: CurrentName | None = None
    external_facts: list[ExternalFact] = Field(default_factory=list)


class Link(Strict):
    """A relationship the seed page states (``phrase_fr``), or another page (``source``, with
    its ``quote`` in ``language``) for an office the seed predates (the Global Office)."""

    slug: str
    office: str
    institution: str
    relationship: str
    phrase_fr: str | None = None
    governing_phrase_fr: str | None = None
    source: str | None = None
    quote: str | None = None
    language: str = "fr"


class ExtraCountry(Strict):
    alpha2: str
    alpha3: str
    names: dict[str, str]
    note: str


class DataQualityNote(Strict):
    slug: str
    severity: SeverityLevel
    text: str
    seed_phrase: str | None = None
    sources: list[str]
    concerns: list[str]


class Dataset(Strict):
    seed_page: SeedPage
    languages: list[str]
    confidence_levels: dict[str, str]
    relationship_kinds: dict[str, str]
    institution_kinds: list[str]
    organisation: Organisation
    leadership: list[LeadershipUnit]
    offices: list[Office]
    institutions: list[Institution]
    links: list[Link]
    extra_countries: list[ExtraCountry]
    data_quality_notes: list[DataQualityNote]
