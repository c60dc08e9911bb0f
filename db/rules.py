"""Every rule between the entries of a dataset file, one function per group of entries.

A rule adds a problem naming the entry at fault (``office 'nairobi' coverage: ...``) rather
than stopping at the first, so one run of ``python -m db check`` reports all of them.
"""

from db.entries import Dataset
from db.office_rules import office_rules
from db.rule_checker import Checker
from db.vocabulary import (
    ConfidenceLevel,
    InstitutionKindSlug,
    LanguageCode,
    RelationshipKindSlug,
)


def check_rules(dataset: Dataset, seed_text: str) -> list[str]:
    """Every cross-entry rule of the dataset; an empty list means the file is sound."""
    check = Checker(dataset, seed_text)
    _vocabulary_rules(dataset, check)
    _organisation_rules(dataset, check)
    leadership = _leadership_rules(dataset, check)
    offices = office_rules(dataset, check)
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
