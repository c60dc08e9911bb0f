"""Slugs given in filters must exist: an unknown one is an error naming it and suggesting the
nearest known slug ("san_jose" -> "san-jose"), not a silently empty list."""

from collections.abc import Iterable, Sequence
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Column, select

from resolvers.database import Database
from resolvers.errors import UserInputError

# Below this similarity (rapidfuzz's ratio, 0-100) a slug is too far off to be meant.
SUGGESTION_CUTOFF = 60


def nearest(value: str, known: Sequence[str]) -> str | None:
    """The known value most similar to ``value``, if any is similar enough to suggest."""
    found = process.extractOne(value, known, scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF)
    return found[0] if found else None


def require_known_slugs(
    db: Database, column: Column[Any], slugs: Sequence[str], argument: str, noun: str
) -> None:
    """Refuse the first of ``slugs`` absent from ``column`` (one statement: every slug)."""
    check_known_slugs([str(row[0]) for row in db.fetch(select(column))], slugs, argument, noun)


def check_known_slugs(every: Iterable[str], slugs: Sequence[str], argument: str, noun: str) -> None:
    """Refuse the first of ``slugs`` not among ``every`` known slug."""
    known = sorted(every)
    known_set = set(known)
    unknown = next((slug for slug in slugs if slug not in known_set), None)
    if unknown is None:
        return
    suggestion = nearest(unknown, known)
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    raise UserInputError(
        f"`{argument}`: no {noun} has the slug {unknown!r}{hint}",
        argument,
        {"unknownValue": unknown, "didYouMean": suggestion},
    )
