"""Search across offices, countries, institutions, leadership and the organisation.

Terms are folded (``db.text.fold``) when the dataset is loaded and when a query arrives, so
"oim", "Egypte" and "cedeao" all match regardless of accents and case.
"""

from dataclasses import dataclass

from sqlalchemy import select

from db.derived import SearchTerm
from db.tables import table_of
from db.text import fold
from db.vocabulary import SubjectType
from resolvers.database import Database
from resolvers.errors import UserInputError

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


@dataclass(frozen=True, slots=True)
class SearchHit:
    subject_type: str
    subject_id: int
    rank: int  # 0: a term equals the text, 1: a term starts with it, 2: contains it


def search(db: Database, text: str) -> list[SearchHit]:
    """Every subject with a term containing ``text``, best matches first."""
    # Bounded as sent (folding a long text costs time) and once folded.
    needle = fold(text) if len(text) <= MAX_SEARCH_LENGTH else text
    if not MIN_SEARCH_LENGTH <= len(needle) <= MAX_SEARCH_LENGTH:
        raise UserInputError(
            f"search text must be {MIN_SEARCH_LENGTH} to {MAX_SEARCH_LENGTH} characters "
            f"long (got {len(needle)})",
            "text",
        )
    best: dict[tuple[str, int], int] = {}
    matching_terms = select(_terms.c.subject_type, _terms.c.subject_id, _terms.c.term).where(
        _terms.c.term.contains(needle, autoescape=True)
    )
    for subject_type, subject_id, term in db.fetch(matching_terms):
        rank = 0 if term == needle else 1 if term.startswith(needle) else 2
        key = (subject_type, subject_id)
        best[key] = min(rank, best.get(key, rank))
    hits = [SearchHit(t, i, rank) for (t, i), rank in best.items()]
    hits.sort(key=lambda h: (h.rank, TYPE_ORDER.get(SubjectType(h.subject_type), 9), h.subject_id))
    return hits
