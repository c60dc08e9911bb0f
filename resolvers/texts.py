"""Texts (names, titles, acronyms...) in several languages, and how a language is chosen.

Texts are fetched in the same statement as the rows they belong to: ``with_texts`` adds one
column holding all of a row's translations as a JSON array of ``[field, language, text]``,
aggregated by the database (a correlated subquery), and ``group_texts`` decodes it. One row
per entity, rather than one per translation: the profile of the full traversal showed row
handling dominating the database path.
"""

import dataclasses
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from db.models import Translation
from db.tables import table_of
from db.vocabulary import LanguageCode
from resolvers.database import AnyRow

Texts = dict[str, dict[str, str]]  # field -> language -> text
LANGUAGES = tuple(code.value for code in LanguageCode)  # en, fr, es: the fallback order
DEFAULT_LANGUAGE = LanguageCode.EN.value
_translation = table_of(Translation)


class json_triples(FunctionElement[str]):  # noqa: N801 - named like the SQL functions it becomes
    """A JSON array (as text) of ``[a, b, c]`` for each aggregated row."""

    type = String()
    inherit_cache = True


@compiles(json_triples, "sqlite")
def _sqlite_json_triples(element: json_triples, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_triples, "postgresql")
def _postgresql_json_triples(element: json_triples, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))::text"


def with_texts(
    query: Select[Any], subject_type: str, subject_id: ColumnElement[Any]
) -> Select[Any]:
    """Add to ``query`` a column with every translation of the subject ``subject_id``."""
    texts = (
        Select(json_triples(_translation.c.field, _translation.c.language, _translation.c.text))
        .where(_translation.c.subject_type == subject_type)
        .where(_translation.c.subject_id == subject_id)
        .scalar_subquery()
    )
    return query.add_columns(texts.label("texts"))


def check_field_order(record: type, columns: Sequence[Any], *after: str) -> None:
    """Records are built positionally from rows (attribute access per column was most of the
    database path's time): their fields must follow the table's columns."""
    fields = [field.name for field in dataclasses.fields(record)]
    expected = [column.name for column in columns] + list(after)
    if fields[: len(expected)] != expected:
        raise TypeError(f"{record.__name__} fields {fields} do not follow columns {expected}")


def decode_texts(value: str | None) -> Texts:
    """A ``with_texts`` column decoded; its few field names and language codes are interned
    (one object each, not one per text held by the dataset)."""
    texts: Texts = {}
    for field, language, text in orjson.loads(value) if value else ():
        by_language = texts.get(field)
        if by_language is None:
            by_language = texts[sys.intern(field)] = {}
        by_language[sys.intern(language)] = text
    return texts


def group_texts(rows: Sequence[AnyRow], width: int) -> list[tuple[AnyRow, Texts]]:
    """Each row of a ``with_texts`` query (``width`` entity columns, then the texts column)
    with its texts decoded."""
    return [(row, decode_texts(row[width])) for row in rows]


def pick(texts: Texts, field: str, languages: Sequence[str]) -> str | None:
    """The text of ``field`` in the first of ``languages`` that has it, then en, fr, es."""
    by_language = texts.get(field)
    if not by_language:
        return None
    return by_language[_first_language(by_language, languages)]


def _first_language(by_language: dict[str, str], languages: Sequence[str]) -> str:
    """The first of ``languages``, then of en, fr, es, then any, that ``by_language`` has."""
    for language in languages:
        if language in by_language:
            return language
    for language in LANGUAGES:
        if language in by_language:
            return language
    return next(iter(by_language))


def languages_for(explicit: str | None, preferred: Iterable[str]) -> tuple[str, ...]:
    """The fallback chain for one field: the ``lang`` argument, the request's, then English."""
    if type(preferred) is tuple and (explicit is None or type(explicit) is str):
        return _remembered_chain(explicit, preferred)
    return _chain(explicit, preferred)


@lru_cache(maxsize=256)  # bounded: the request's languages come from Accept-Language
def _remembered_chain(explicit: str | None, preferred: tuple[str, ...]) -> tuple[str, ...]:
    """``_chain``, remembered: every text field of a response asks for the same few chains
    (the chain is a tuple, so the same one can be handed to every caller)."""
    return _chain(explicit, preferred)


def _chain(explicit: str | None, preferred: Iterable[str]) -> tuple[str, ...]:
    chain = [explicit] if explicit else []
    chain.extend(language for language in preferred if language not in chain)
    if DEFAULT_LANGUAGE not in chain:
        chain.append(DEFAULT_LANGUAGE)
    return tuple(chain)


@dataclasses.dataclass(frozen=True, slots=True)
class ChosenText:
    """A text, the language it is in, and the language that was asked for."""

    text: str
    language: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return self.language != self.requested


def choose(texts: Texts, field: str, languages: Sequence[str]) -> ChosenText | None:
    """Like ``pick``, saying which language the text is in: the first of ``languages`` is the
    one asked for, any other is a fallback."""
    by_language = texts.get(field)
    if not by_language:
        return None
    requested = languages[0] if languages else DEFAULT_LANGUAGE
    language = _first_language(by_language, languages)
    return ChosenText(by_language[language], language, requested)
