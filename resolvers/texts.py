"""Texts (names, titles, acronyms...) in several languages, and how a language is chosen.

Texts are fetched in the same statement as the rows they belong to: ``with_texts`` joins the
translation table onto a query and ``group_texts`` folds the repeated rows back together.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_

from db.models import Translation
from resolvers.database import AnyRow

Texts = dict[str, dict[str, str]]  # field -> language -> text
LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"
_translation = Translation.__table__  # type: ignore[attr-defined]
TEXT_COLUMNS = (_translation.c.field, _translation.c.language, _translation.c.text)


def with_texts(
    query: Select[Any], subject_type: str, subject_id: ColumnElement[Any]
) -> Select[Any]:
    """Add every translation of the subject identified by ``subject_id`` to ``query``'s rows."""
    return query.add_columns(*TEXT_COLUMNS).outerjoin(
        _translation,
        and_(_translation.c.subject_type == subject_type, _translation.c.subject_id == subject_id),
    )


def group_texts(rows: Sequence[AnyRow], width: int, key: int = 0) -> list[tuple[AnyRow, Texts]]:
    """Fold rows of ``with_texts``: ``width`` entity columns, then field, language and text.

    Rows of one result share the value of column ``key`` (default: the entity's id), so
    grouping hashes one value per row rather than the whole row.
    """
    grouped: dict[Any, tuple[AnyRow, Texts]] = {}
    for row in rows:
        entry = grouped.get(row[key])
        if entry is None:
            entry = grouped[row[key]] = (row, {})
        field = row[width]
        if field is not None:
            by_language = entry[1].get(field)
            if by_language is None:
                by_language = entry[1][field] = {}
            by_language[row[width + 1]] = row[width + 2]
    return list(grouped.values())


def pick(texts: Texts, field: str, languages: Sequence[str]) -> str | None:
    """The text of ``field`` in the first of ``languages`` that has it, then en, fr, es."""
    by_language = texts.get(field)
    if not by_language:
        return None
    for language in languages:
        text = by_language.get(language)
        if text is not None:
            return text
    for language in LANGUAGES:
        text = by_language.get(language)
        if text is not None:
            return text
    return next(iter(by_language.values()))


def parse_accept_language(header: str | None) -> tuple[str, ...]:
    """Supported languages from an Accept-Language header, best first ("fr-CH, en;q=0.8")."""
    if not header:
        return ()
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().split("-")[0].lower()
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if language in LANGUAGES and quality > 0:
            weighted.append((-quality, position, language))
    ordered: list[str] = []
    for _quality, _position, language in sorted(weighted):
        if language not in ordered:
            ordered.append(language)
    return tuple(ordered)


def languages_for(explicit: str | None, preferred: Iterable[str]) -> tuple[str, ...]:
    """The fallback chain for one field: the ``lang`` argument, the request's, then English."""
    chain = [explicit] if explicit else []
    chain.extend(language for language in preferred if language not in chain)
    if DEFAULT_LANGUAGE not in chain:
        chain.append(DEFAULT_LANGUAGE)
    return tuple(chain)
