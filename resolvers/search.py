"""Search across offices, countries, institutions, leadership and the organisation.

Terms are folded (``db.text.fold``) when the dataset is loaded and when a query arrives, so
"oim", "Egypte" and "cedeao" all match regardless of accents and case. Every term is held in
the dataset in memory (``read_terms``, about 1 400 rows: the index grows with the dataset,
never with the query) and matched here, in Python: rapidfuzz's typo matching must work alike
on SQLite and PostgreSQL, and neither database's trigram support (pg_trgm, none in SQLite) is
available on both.
Each subject is ranked by its best match: exact, then prefix, then whole words; typos only
when nothing matches literally (``resolvers.search_match``).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from db.derived import SearchTerm
from db.tables import table_of
from db.text import fold
from db.vocabulary import SubjectType
from resolvers.country import EXCEPTIONALLY_RESERVED
from resolvers.database import Database
from resolvers.errors import UserInputError
from resolvers.search_match import KIND_ORDER, Match, fuzzy_matches, literal_match, words

_terms = table_of(SearchTerm)
MIN_SEARCH_LENGTH = 2
MAX_SEARCH_LENGTH = 100
TYPE_ORDER = {
    SubjectType.ORGANISATION: 0,
    SubjectType.OFFICE: 1,
    SubjectType.LEADERSHIP: 2,
    SubjectType.INSTITUTION: 3,
    SubjectType.COUNTRY: 4,
}
# "uk" also looks for "gb" (resolvers.country: UK is exceptionally reserved for GB).
_ALIASES = {fold(code): fold(country) for code, country in EXCEPTIONALLY_RESERVED.items()}

Subject = tuple[str, int]
Term = tuple[str, int, str]  # subject type, subject id, folded term


@dataclass(frozen=True, slots=True)
class SearchHit:
    subject_type: str
    subject_id: int
    match: Match


def read_terms(db: Database) -> tuple[Term, ...]:
    """Every search term (read with the dataset into memory)."""
    return tuple((str(t), int(i), str(term)) for t, i, term in db.fetch(_all_terms))


def search(rows: Sequence[Term], text: str) -> list[SearchHit]:
    """Every subject with a term (of ``rows``) matching ``text``, best matches first."""
    needle = _needle(text)
    best: dict[Subject, Match] = {}
    for needle_variant in (needle, _ALIASES.get(needle)):
        if needle_variant:
            _keep_literal_matches(best, needle_variant, rows)
    if not best:  # typos are looked for when nothing is spelt as asked: "Americas" is no typo
        for index, match in fuzzy_matches(needle, [term for _, _, term in rows]):
            _keep(best, (rows[index][0], rows[index][1]), match)
    hits = [SearchHit(t, i, match) for (t, i), match in best.items()]
    hits.sort(key=_rank)
    return hits


_all_terms = select(_terms.c.subject_type, _terms.c.subject_id, _terms.c.term)


def _needle(text: str) -> str:
    """The folded text, refused unless the client sent 2 to 100 characters (counted as
    sent: folding may lengthen a text, "ß" -> "ss") that fold to at least 2."""
    if not MIN_SEARCH_LENGTH <= len(text) <= MAX_SEARCH_LENGTH:
        raise UserInputError(
            f"search text must be {MIN_SEARCH_LENGTH} to {MAX_SEARCH_LENGTH} characters "
            f"long (got {len(text)})",
            "text",
        )
    needle = fold(text)
    if len(needle) < MIN_SEARCH_LENGTH:
        raise UserInputError(
            f"search text must hold at least {MIN_SEARCH_LENGTH} characters besides spaces "
            "and accents",
            "text",
        )
    return needle


def _keep_literal_matches(best: dict[Subject, Match], needle: str, rows: Sequence[Term]) -> None:
    needle_words = words(needle)
    for subject_type, subject_id, term in rows:
        match = literal_match(needle, needle_words, term)
        if match is not None:
            _keep(best, (subject_type, subject_id), match)


def _keep(best: dict[Subject, Match], subject: Subject, match: Match) -> None:
    if match.better_than(best.get(subject)):
        best[subject] = match


def _rank(hit: SearchHit) -> tuple[int, float, int, int]:
    order = TYPE_ORDER.get(SubjectType(hit.subject_type), 9)
    return KIND_ORDER[hit.match.kind], -hit.match.score, order, hit.subject_id
