"""Every rule between the entries of a dataset file, one function per group of entries.

A rule adds a problem naming the entry at fault (``office 'nairobi' coverage: ...``) rather
than stopping at the first, so one run of ``python -m db check`` reports all of them.
"""

from datetime import date
from enum import StrEnum

from db.countries import iso_countries
from db.entries import SEED_SOURCE, Coverage, Dataset, DateFact, Office, SourcedText
from db.partial_dates import PartialDate
from db.vocabulary import (
    ConfidenceLevel,
    CoverageEvidenceKind,
    InstitutionKindSlug,
    LanguageCode,
    OfficeKind,
    RelationshipKindSlug,
    SuccessionKind,
)


class Checker:
    """The problems found so far, and the checks several rules make."""

    def __init__(self, dataset: Dataset, seed_text: str) -> None:
        self.problems: list[str] = []
        self.seed_text = seed_text
        self.languages = set(dataset.languages)
        self.country_codes = set(iso_countries()) | {c.alpha3 for c in dataset.extra_countries}

    def in_seed(self, where: str, phrase: str | None) -> None:
        if phrase is not None and phrase not in self.seed_text:
            self.problems.append(f"{where}: phrase not found in the seed page: {phrase!r}")

    def texts(self, where: str, texts_by_language: dict[str, SourcedText]) -> None:
        for language, entry in texts_by_language.items():
            if language not in self.languages:
                self.problems.append(f"{where}: unknown language {language!r}")
            if entry.source == SEED_SOURCE:
                self.in_seed(f"{where} ({language})", entry.text)
            self.in_seed(f"{where} ({language})", entry.seed_phrase)

    def country(self, where: str, code: str) -> None:
        if code not in self.country_codes:
            self.problems.append(f"{where}: unknown ISO 3166-1 alpha-3 code {code!r}")

    def unique(self, kind: str, slugs: list[str]) -> set[str]:
        seen: set[str] = set()
        for slug in slugs:
            if slug in seen:
                self.problems.append(f"{kind} {slug!r}: duplicate slug")
            seen.add(slug)
        return seen

    def in_vocabulary(self, section: str, values: list[str], vocabulary: type[StrEnum]) -> None:
        """Each value a section declares must be one the service knows (``db.vocabulary``)."""
        known = {member.value for member in vocabulary}
        for value in values:
            if value not in known:
                self.problems.append(
                    f"{section} {value!r}: not a value of db.vocabulary.{vocabulary.__name__} "
                    "(the values the GraphQL schema can serve)"
                )


def check_rules(dataset: Dataset, seed_text: str) -> list[str]:
    """Every cross-entry rule of the dataset; an empty list means the file is sound."""
    check = Checker(dataset, seed_text)
    _vocabulary_rules(dataset, check)
    _organisation_rules(dataset, check)
    leadership = _leadership_rules(dataset, check)
    offices = _office_rules(dataset, check)
    institutions = _institution_rules(dataset, check)
    _link_rules(dataset, check, offices, institutions)
    _statement_rules(dataset, check, institutions)
    subjects = {
        "organisation": {dataset.organisation.slug},
        "leadership": leadership,
        "office": offices,
        "institution": institutions,
        "country": check.country_codes,
    }
    _note_rules(dataset, check, subjects)
    return check.problems


def _vocabulary_rules(dataset: Dataset, check: Checker) -> None:
    check.in_vocabulary("languages", dataset.languages, LanguageCode)
    check.in_vocabulary("confidence_levels", list(dataset.confidence_levels), ConfidenceLevel)
    check.in_vocabulary(
        "relationship_kinds", list(dataset.relationship_kinds), RelationshipKindSlug
    )
    check.in_vocabulary("institution_kinds", dataset.institution_kinds, InstitutionKindSlug)


def _organisation_rules(dataset: Dataset, check: Checker) -> None:
    org = dataset.organisation
    check.texts(f"organisation {org.slug!r}", org.names)
    check.country(f"organisation {org.slug!r} headquarters", org.headquarters.country)
    for fact in (org.founded, org.member_states, org.countries_present):
        check.in_seed(f"organisation {org.slug!r}", fact.seed_phrase)
    check.in_seed(f"organisation {org.slug!r} un_system", org.un_system.seed_phrase)


def _leadership_rules(dataset: Dataset, check: Checker) -> set[str]:
    leadership = check.unique("leadership", [u.slug for u in dataset.leadership])
    for unit in dataset.leadership:
        check.texts(f"leadership {unit.slug!r}", unit.titles)
        if unit.reports_to is not None and unit.reports_to not in leadership:
            check.problems.append(
                f"leadership {unit.slug!r}: reports_to unknown unit {unit.reports_to!r}"
            )
    return leadership


def _office_rules(dataset: Dataset, check: Checker) -> set[str]:
    offices = check.unique("office", [o.slug for o in dataset.offices])
    periods = {office.slug: _period(office, check) for office in dataset.offices}
    covered: dict[str, list[str]] = {}
    for office in dataset.offices:
        where = f"office {office.slug!r}"
        check.texts(where, office.names)
        check.texts(f"{where} region", office.region)
        check.texts(f"{where} location", office.location)
        check.in_seed(f"{where} seed_heading", office.seed_heading)
        for language, page in office.city_sources.items():
            if office.city.get(language, "\0") not in page.quote:
                check.problems.append(f"{where} city ({language}): not in its page's quote")
        check.country(f"{where} host_country", office.host_country)
        coverage = office.coverage
        if (coverage is None) != (office.kind == OfficeKind.LIAISON_OFFICE):
            check.problems.append(
                f"{where}: a regional office needs its coverage, a liaison office has none"
            )
        if coverage is None:
            continue
        for code in coverage.countries:
            check.country(f"{where} coverage", code)
            for other in covered.get(code, []):
                if _overlap(periods[office.slug], periods[other]):
                    check.problems.append(
                        f"{where} coverage: {code} is already supported by office {other!r}"
                    )
            covered.setdefault(code, []).append(office.slug)
        _evidence_rules(where, coverage, check)
        for slug in coverage.derived_from:
            if slug not in offices:
                check.problems.append(f"{where} coverage: derived from unknown office {slug!r}")
    _succession_rules(dataset, check, offices)
    return offices


def _evidence_rules(where: str, coverage: Coverage, check: Checker) -> None:
    """Evidence names known countries; only a page that lists a country states it (high), and
    a country assigned to another office is not in this office's list."""
    for rank, item in enumerate(coverage.evidence, start=1):
        at = f"{where} coverage evidence {rank}"
        for code in item.countries:
            check.country(at, code)
        if item.confidence == ConfidenceLevel.HIGH and item.kind != CoverageEvidenceKind.LISTS:
            check.problems.append(f"{at}: only a page that lists countries can be high")
        if item.kind == CoverageEvidenceKind.ASSIGNED_ELSEWHERE:
            for code in set(item.countries) & set(coverage.countries):
                check.problems.append(f"{at}: {code} is assigned elsewhere but in the list")


# When an office is surely in force: from the last day its start may be to the first day its
# end may be (None: unbounded). A date known to the year leaves the rest of that year uncertain.
Period = tuple[date | None, date | None]


def _partial_date(where: str, fact: DateFact, check: Checker) -> PartialDate | None:
    if fact.value is None:
        if not fact.unknown:
            check.problems.append(f"{where}: no value and no `unknown` saying why")
        return None
    if fact.precision is None or fact.source is None or fact.quote is None:
        check.problems.append(f"{where}: a date needs its precision, source and quote")
        return None
    try:
        return PartialDate.parse(fact.value, fact.precision)
    except ValueError as error:
        check.problems.append(f"{where}: {error}")
        return None


def _period(office: Office, check: Checker) -> Period:
    where = f"office {office.slug!r}"
    start = _partial_date(f"{where} valid_from", office.valid_from, check)
    end = _partial_date(f"{where} valid_until", office.valid_until, check)
    _attested_rules(where, office, check)
    if start is not None and end is not None and end.last_day() < start.first_day():
        check.problems.append(
            f"{where}: valid_until {end.value} is before valid_from {start.value}"
        )
    return (
        start.last_day() if start else None,
        end.first_day() if end else None,
    )


def _attested_rules(where: str, office: Office, check: Checker) -> None:
    """``attested_from`` only stands in for a start no page dates, and needs its source,
    quote, confidence and derivation (no page dates the office itself)."""
    fact = office.attested_from
    if fact is None:
        return
    if office.valid_from.value is not None:
        check.problems.append(f"{where}: attested_from is only for a start no page dates")
    if fact.value is None or fact.confidence is None or fact.derivation is None:
        check.problems.append(f"{where} attested_from: needs a value, confidence and derivation")
    _partial_date(f"{where} attested_from", fact, check)


def _overlap(first: Period, second: Period) -> bool:
    """True when some day has both offices surely in force."""
    starts = [day for day in (first[0], second[0]) if day is not None]
    ends = [day for day in (first[1], second[1]) if day is not None]
    return not starts or not ends or max(starts) < min(ends)


def _succession_rules(dataset: Dataset, check: Checker, offices: set[str]) -> None:
    """Predecessors are known offices, and a successor of a merger starts exactly where each
    predecessor ends."""
    by_slug = {office.slug: office for office in dataset.offices}
    for office in dataset.offices:
        where = f"office {office.slug!r} predecessors"
        for predecessor in office.predecessors:
            if predecessor.office not in offices:
                check.problems.append(f"{where}: unknown office {predecessor.office!r}")
                continue
            if predecessor.kind == SuccessionKind.TOOK_OVER_FUNCTION:
                # A function moved, not a region: no date ties the two periods, and no page
                # states the change in words, so it needs its derivation.
                if predecessor.derivation is None:
                    check.problems.append(
                        f"{where}: {predecessor.office!r} took over a function; say how "
                        "that is known (derivation)"
                    )
                continue
            ended = by_slug[predecessor.office].valid_until
            began = office.valid_from
            if (ended.value, ended.precision) != (began.value, began.precision):
                check.problems.append(
                    f"{where}: {predecessor.office!r} ends {_shown(ended)} but {office.slug!r} "
                    f"starts {_shown(began)}; a successor starts where its predecessor ends"
                )


def _shown(fact: DateFact) -> str:
    return "at an unknown date" if fact.value is None else f"{fact.value} ({fact.precision})"


def _institution_rules(dataset: Dataset, check: Checker) -> set[str]:
    kinds = set(dataset.institution_kinds)
    institutions = check.unique("institution", [i.slug for i in dataset.institutions])
    for institution in dataset.institutions:
        where = f"institution {institution.slug!r}"
        check.texts(where, institution.names)
        check.in_seed(f"{where} parent", institution.parent_seed_phrase)
        if institution.kind not in kinds:
            check.problems.append(f"{where}: kind {institution.kind!r} is not in institution_kinds")
        if institution.parent is not None and institution.parent not in institutions:
            check.problems.append(f"{where}: parent is unknown institution {institution.parent!r}")
        check.in_seed(f"{where} acronym_in_seed", institution.acronym_in_seed)
    return institutions


def _statement_rules(dataset: Dataset, check: Checker, institutions: set[str]) -> None:
    statements = dataset.organisation.statements
    check.unique("statement", [statement.slug for statement in statements])
    for statement in statements:
        where = f"organisation statement {statement.slug!r}"
        if statement.institution not in institutions:
            check.problems.append(f"{where}: unknown institution {statement.institution!r}")
        if statement.relationship not in dataset.relationship_kinds:
            check.problems.append(
                f"{where}: relationship {statement.relationship!r} is not in relationship_kinds"
            )
        check.in_seed(f"{where} phrase_fr", statement.phrase_fr)


def _link_rules(
    dataset: Dataset, check: Checker, offices: set[str], institutions: set[str]
) -> None:
    check.unique("link", [link.slug for link in dataset.links])
    for link in dataset.links:
        where = f"link {link.slug!r}"
        if link.office not in offices:
            check.problems.append(f"{where}: unknown office {link.office!r}")
        if link.institution not in institutions:
            check.problems.append(f"{where}: unknown institution {link.institution!r}")
        if link.relationship not in dataset.relationship_kinds:
            check.problems.append(
                f"{where}: relationship {link.relationship!r} is not in relationship_kinds"
            )
        if (link.phrase_fr is None) == (link.source is None or link.quote is None):
            check.problems.append(f"{where}: give the seed's phrase_fr, or a source and its quote")
        check.in_seed(f"{where} phrase_fr", link.phrase_fr)
        check.in_seed(f"{where} governing_phrase_fr", link.governing_phrase_fr)


def _note_rules(dataset: Dataset, check: Checker, subjects: dict[str, set[str]]) -> None:
    """``subjects``: the natural keys each subject type a note may concern has."""
    check.unique("data_quality_note", [n.slug for n in dataset.data_quality_notes])
    for note in dataset.data_quality_notes:
        where = f"data_quality_note {note.slug!r}"
        check.in_seed(where, note.seed_phrase)
        for concern in note.concerns:
            subject_type, _, key = concern.partition(":")
            if key not in subjects.get(subject_type, set()):
                check.problems.append(f"{where}: concerns unknown subject {concern!r}")
