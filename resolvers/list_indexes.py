"""The indexes the root lists' filters read, built once per dataset version
(``resolvers.lists``): each is the size of the data, never of the requests."""

from collections.abc import Hashable, Iterable
from typing import Any

from resolvers.institution import ACRONYM_FIELDS, InstitutionRecord
from resolvers.search import Term


def ids_by_key(pairs: Iterable[tuple[Hashable, int]]) -> dict[Any, frozenset[int]]:
    """The ids paired with each key."""
    grouped: dict[Any, set[int]] = {}
    for key, record_id in pairs:
        grouped.setdefault(key, set()).add(record_id)
    return {key: frozenset(ids) for key, ids in grouped.items()}


def union_of(index: dict[Any, frozenset[int]], keys: Iterable[Hashable]) -> set[int]:
    return set().union(*(index.get(key, ()) for key in keys))


# Joins the search terms of one subject. ``fold`` splits a text at whitespace, which this
# character is to ``str.split``: no folded text holds it, so none matches across two terms.
TERM_SEPARATOR = "\x1f"


def joined_terms(terms: Iterable[Term]) -> dict[str, tuple[tuple[int, str], ...]]:
    """Per subject type, each subject's search terms in one text: one substring test per
    subject rather than one per term."""
    joined: dict[str, dict[int, list[str]]] = {}
    for subject_type, subject_id, term in terms:
        joined.setdefault(subject_type, {}).setdefault(subject_id, []).append(term)
    return {
        subject_type: tuple((i, TERM_SEPARATOR.join(ts)) for i, ts in by_id.items())
        for subject_type, by_id in joined.items()
    }


def narrowed(ids: set[int] | None, matching: Iterable[int]) -> set[int]:
    """``ids`` (None: every id) and ``matching`` both."""
    return set(matching) if ids is None else ids.intersection(matching)


def acronym_index(
    institutions: Iterable[InstitutionRecord],
) -> dict[str, tuple[InstitutionRecord, ...]]:
    """The institutions having each acronym (lower-case), current or former, in any language,
    by slug."""
    having: dict[str, list[InstitutionRecord]] = {}
    for institution in institutions:
        texts = institution.texts
        acronyms = {t.lower() for f in ACRONYM_FIELDS for t in texts.get(f, {}).values()}
        for acronym in acronyms:
            having.setdefault(acronym, []).append(institution)
    return {a: tuple(sorted(found, key=lambda i: i.slug)) for a, found in having.items()}
