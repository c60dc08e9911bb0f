"""How well one folded search text matches the terms of the index: exact, prefix, whole words,
or close in spelling (typos), with a score.

The score is rapidfuzz's ``fuzz.ratio`` (0 to 100: 100 minus the normalised Indel distance)
between the text and the term it matched (for a typo: the words of the term it resembles),
so within one kind a shorter, closer term ranks first: "UN" puts the acronym "unep" before
"united kingdom".
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process

# A typo is only looked for in texts of at least this many letters (shorter texts are codes
# and acronyms: "UN", "CEI"), and it must score at least FUZZY_CUTOFF: one wrong, missing or
# extra letter in "Nairobbi", "Mercosul", "Geneve" (83 to 94), not a different word.
FUZZY_MIN_LETTERS = 4
FUZZY_CUTOFF = 80.0
# "un" must be a whole word ("regional UN partners"), not the start of "unspecified".
MIN_PARTIAL_WORD = 3
_WORD = re.compile(r"[^\W_]+")  # letters and digits: "l'amerique (unasur)" -> l, amerique, unasur


class MatchKind(StrEnum):
    """From the best to the weakest kind of match."""

    EXACT = "exact"
    PREFIX = "prefix"
    WORD = "word"
    FUZZY = "fuzzy"


KIND_ORDER = {kind: rank for rank, kind in enumerate(MatchKind)}


@dataclass(frozen=True, slots=True)
class Match:
    kind: MatchKind
    score: float
    term: str  # the term matched

    def better_than(self, other: "Match | None") -> bool:
        """A better kind, else a higher score, else a shorter term (then the first in
        alphabetical order, so the answer never depends on the order rows arrive in)."""
        return other is None or self._order() < other._order()

    def _order(self) -> tuple[int, float, int, str]:
        return KIND_ORDER[self.kind], -self.score, len(self.term), self.term


@lru_cache(maxsize=16_384)
def words(text: str) -> tuple[str, ...]:
    """The words of a folded text. Cached: every search splits every term of the index, and
    the terms are the same from one request to the next (the cache holds several datasets)."""
    return tuple(_WORD.findall(text))


def literal_match(needle: str, needle_words: Sequence[str], term: str) -> Match | None:
    """The exact, prefix or whole-word match of ``needle`` in ``term``, if any."""
    if needle not in term and (not needle_words or needle_words[-1] not in term):
        return None  # the common case, decided without splitting the term
    term_words = words(term)
    if term == needle or (needle_words and term_words == tuple(needle_words)):
        return Match(MatchKind.EXACT, 100.0, term)
    if term.startswith(needle) or _starts_with(term_words, needle_words):
        return Match(MatchKind.PREFIX, _score(needle, term), term)
    if _has_words(term_words, needle_words):
        return Match(MatchKind.WORD, _score(needle, term), term)
    return None


def _score(needle: str, term: str) -> float:
    return round(fuzz.ratio(needle, term), 1)


def _starts_with(term_words: Sequence[str], needle_words: Sequence[str]) -> bool:
    """The term's first words are the text's (the last one may be incomplete, as typed)."""
    count = len(needle_words)
    if not count or len(term_words) < count:
        return False
    head, last = needle_words[:-1], needle_words[-1]
    return tuple(term_words[: count - 1]) == tuple(head) and term_words[count - 1].startswith(last)


def _has_words(term_words: Sequence[str], needle_words: Sequence[str]) -> bool:
    """Each word of the text is a word of the term, in any order ("Amy Pope" in "Amy E. Pope");
    the last, from MIN_PARTIAL_WORD letters, may be the start of one, as typed ("Nations Uni").
    A text inside a word ("un" in "community") is no match."""
    if not needle_words:
        return False
    *whole, last = needle_words
    present = set(term_words)
    if not all(word in present for word in whole):
        return False
    if len(last) < MIN_PARTIAL_WORD:
        return last in present
    return any(word.startswith(last) for word in term_words)


def fuzzy_matches(needle: str, terms: Sequence[str]) -> Iterator[tuple[int, Match]]:
    """(index in ``terms``, match) for each term that has as many consecutive words as the
    text that, together, are within a typo or two of it."""
    needle_words = words(needle)
    if sum(len(word) for word in needle_words) < FUZZY_MIN_LETTERS:
        return
    windows, owners = _windows(terms, len(needle_words))
    # One call over every candidate: rapidfuzz compares in C and drops those under the cutoff.
    found = process.extract(
        " ".join(needle_words), windows, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
    )
    for _, score, index in found:
        yield owners[index], Match(MatchKind.FUZZY, round(score, 1), terms[owners[index]])


def _windows(terms: Iterable[str], size: int) -> tuple[list[str], list[int]]:
    """Every run of ``size`` consecutive words of each term, and the term each came from."""
    windows: list[str] = []
    owners: list[int] = []
    for index, term in enumerate(terms):
        runs = _runs(term, size)
        windows.extend(runs)
        owners.extend([index] * len(runs))
    return windows, owners


@lru_cache(maxsize=16_384)
def _runs(term: str, size: int) -> tuple[str, ...]:
    term_words = words(term)
    return tuple(" ".join(term_words[i : i + size]) for i in range(len(term_words) - size + 1))
