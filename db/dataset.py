"""The curated dataset file: its shape (pydantic models) and every rule it must keep.

``read_dataset`` parses and validates the whole file before anything touches a database; a
file that breaks a rule raises ``DatasetError`` listing each problem with the entry it concerns.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DATASET_PATH = DATA_DIR / "iom.yaml"
SEED_SOURCE = "seed"

Confidence = Literal["high", "medium", "low"]


class DatasetError(Exception):
    """The dataset file breaks one or more rules; ``problems`` names each entry at fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid dataset:\n" + "\n".join(f"  - {p}" for p in problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Open(BaseModel):
    """Entries whose extra, descriptive keys are kept as documentation but not modelled."""

    model_config = ConfigDict(extra="allow", frozen=True)


class SourcedText(Strict):
    text: str
    source: str | None = None
    basis: str | None = None
    seed_phrase: str | None = None


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
    joined: str
    joined_source: str
    joined_note: str | None = None


class Headquarters(Strict):
    city: dict[str, str]
    country: str
    source: str
    quote: str


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


class Coverage(Strict):
    confidence: Confidence
    source: str | None
    method: str
    countries: list[str]
    inferred: list[str] = Field(default_factory=list)


class Office(Open):
    slug: str
    names: dict[str, SourcedText]
    city: dict[str, str]
    seed_heading: str
    region: dict[str, SourcedText]
    host_country: str
    status_note: StatusNote | None
    coverage: Coverage
    notes: dict[str, str] | None = None


class ExternalFact(Strict):
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
    generic: bool
    iom_internal: bool
    confidence: Confidence | None = None
    notes: str | None = None
    current_name: CurrentName | None = None
    external_facts: list[ExternalFact] = Field(default_factory=list)


class Link(Strict):
    slug: str
    office: str
    institution: str
    relationship: str
    phrase_fr: str
    governing_phrase_fr: str | None = None


class ExtraCountry(Strict):
    alpha2: str
    alpha3: str
    names: dict[str, str]
    note: str


class DataQualityNote(Strict):
    slug: str
    severity: Confidence
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


@dataclass(frozen=True)
class LoadedDataset:
    """A validated dataset, the seed page it was checked against and its content hash."""

    dataset: Dataset
    seed_text: str
    content_hash: str
    path: Path


def iso_countries() -> dict[str, Any]:
    """ISO 3166-1 countries by alpha-3 code, from pycountry."""
    return {c.alpha_3: c for c in pycountry.countries}


def read_dataset(path: Path = DEFAULT_DATASET_PATH) -> LoadedDataset:
    """Parse and validate the dataset file; raise ``DatasetError`` on any problem."""
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise DatasetError([f"{path}: cannot read the file ({exc.strerror})"]) from exc
    try:
        raw = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise DatasetError([f"{path}: not valid YAML ({exc})"]) from exc
    try:
        dataset = Dataset.model_validate(raw)
    except ValidationError as exc:
        raise DatasetError([_describe_validation_error(raw, err) for err in exc.errors()]) from exc
    seed_path = path.parent / dataset.seed_page.file
    try:
        seed_bytes = seed_path.read_bytes()
    except OSError as exc:
        raise DatasetError([f"seed_page.file: cannot read {seed_path} ({exc.strerror})"]) from exc
    seed_text = seed_bytes.decode("utf-8")
    problems = check_rules(dataset, seed_text)
    if problems:
        raise DatasetError(problems)
    digest = hashlib.sha256()
    for part in (raw_bytes, seed_bytes, f"pycountry={pycountry.__version__}".encode()):
        digest.update(hashlib.sha256(part).digest())
    return LoadedDataset(dataset, seed_text, digest.hexdigest(), path)


def _describe_validation_error(raw: Any, err: Any) -> str:
    """Name the entry (by its slug where it has one) and the field a schema error is about."""
    location = list(err["loc"])
    label = ".".join(str(part) for part in location)
    node = raw
    for depth, part in enumerate(location):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "slug" in node and depth + 1 < len(location):
            label = f"{location[0]} {node['slug']!r}: " + ".".join(
                str(p) for p in location[depth + 1 :]
            )
    return f"{label}: {err['msg']}"


def check_rules(dataset: Dataset, seed_text: str) -> list[str]:
    """Every cross-entry rule of the dataset; an empty list means the file is sound."""
    problems: list[str] = []
    known_codes = set(iso_countries()) | {c.alpha3 for c in dataset.extra_countries}
    languages = set(dataset.languages)

    def in_seed(where: str, phrase: str | None) -> None:
        if phrase is not None and phrase not in seed_text:
            problems.append(f"{where}: phrase not found in the seed page: {phrase!r}")

    def texts(where: str, texts_by_language: dict[str, SourcedText]) -> None:
        for language, entry in texts_by_language.items():
            if language not in languages:
                problems.append(f"{where}: unknown language {language!r}")
            if entry.source == SEED_SOURCE:
                in_seed(f"{where} ({language})", entry.text)
            in_seed(f"{where} ({language})", entry.seed_phrase)

    def country(where: str, code: str) -> None:
        if code not in known_codes:
            problems.append(f"{where}: unknown ISO 3166-1 alpha-3 code {code!r}")

    def unique(kind: str, slugs: list[str]) -> set[str]:
        seen: set[str] = set()
        for slug in slugs:
            if slug in seen:
                problems.append(f"{kind} {slug!r}: duplicate slug")
            seen.add(slug)
        return seen

    org = dataset.organisation
    texts(f"organisation {org.slug!r}", org.names)
    country(f"organisation {org.slug!r} headquarters", org.headquarters.country)
    for fact in (org.founded, org.member_states, org.countries_present):
        in_seed(f"organisation {org.slug!r}", fact.seed_phrase)
    in_seed(f"organisation {org.slug!r} un_system", org.un_system.seed_phrase)

    leadership = unique("leadership", [u.slug for u in dataset.leadership])
    for unit in dataset.leadership:
        texts(f"leadership {unit.slug!r}", unit.titles)
        if unit.reports_to is not None and unit.reports_to not in leadership:
            problems.append(
                f"leadership {unit.slug!r}: reports_to unknown unit {unit.reports_to!r}"
            )

    offices = unique("office", [o.slug for o in dataset.offices])
    covered: dict[str, str] = {}
    for office in dataset.offices:
        where = f"office {office.slug!r}"
        texts(where, office.names)
        texts(f"{where} region", office.region)
        in_seed(f"{where} seed_heading", office.seed_heading)
        country(f"{where} host_country", office.host_country)
        for code in office.coverage.countries:
            country(f"{where} coverage", code)
            if code in covered:
                problems.append(
                    f"{where} coverage: {code} is already supported by office {covered[code]!r}"
                )
            covered[code] = office.slug
        for code in office.coverage.inferred:
            if code not in office.coverage.countries:
                problems.append(f"{where} coverage: inferred {code} is not in its countries")

    kinds = set(dataset.institution_kinds)
    institutions = unique("institution", [i.slug for i in dataset.institutions])
    for institution in dataset.institutions:
        where = f"institution {institution.slug!r}"
        texts(where, institution.names)
        if institution.kind not in kinds:
            problems.append(f"{where}: kind {institution.kind!r} is not in institution_kinds")
        if institution.parent is not None and institution.parent not in institutions:
            problems.append(f"{where}: parent is unknown institution {institution.parent!r}")
        in_seed(f"{where} acronym_in_seed", institution.acronym_in_seed)

    unique("link", [link.slug for link in dataset.links])
    for link in dataset.links:
        where = f"link {link.slug!r}"
        if link.office not in offices:
            problems.append(f"{where}: unknown office {link.office!r}")
        if link.institution not in institutions:
            problems.append(f"{where}: unknown institution {link.institution!r}")
        if link.relationship not in dataset.relationship_kinds:
            problems.append(
                f"{where}: relationship {link.relationship!r} is not in relationship_kinds"
            )
        in_seed(f"{where} phrase_fr", link.phrase_fr)
        in_seed(f"{where} governing_phrase_fr", link.governing_phrase_fr)

    unique("data_quality_note", [n.slug for n in dataset.data_quality_notes])
    subjects = {
        "organisation": {org.slug},
        "leadership": leadership,
        "office": offices,
        "institution": institutions,
        "country": known_codes,
    }
    for note in dataset.data_quality_notes:
        where = f"data_quality_note {note.slug!r}"
        in_seed(where, note.seed_phrase)
        for concern in note.concerns:
            subject_type, _, key = concern.partition(":")
            if key not in subjects.get(subject_type, set()):
                problems.append(f"{where}: concerns unknown subject {concern!r}")
    return problems
