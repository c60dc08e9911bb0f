"""The rows a load must leave in each table, and the builder that collects them.

Rows are plain dicts keyed by column name. Foreign keys are given as natural keys here
(``("country", "KEN")``) and resolved to surrogate ids by the loader once parents are written.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import SQLModel

from db.entries import SEED_SOURCE, SourcedText
from db.tables import table_of
from db.vocabulary import ConfidenceLevel, SourceKind

Ref = tuple[str, str]  # (subject type, natural key)


@dataclass
class DesiredRows:
    """Everything the database must contain after a load, by table, before id resolution."""

    # The rows of each table ``db.tables.loaded_tables`` lists, by table name.
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Subject-keyed rows: "subject" holds a Ref until the loader swaps it for an id.
    translations: list[dict[str, Any]] = field(default_factory=list)
    provenance: list[dict[str, Any]] = field(default_factory=list)
    note_subjects: list[dict[str, Any]] = field(default_factory=list)
    # Texts search finds a subject by that are no translation (codes, holders' names).
    search_texts: list[dict[str, Any]] = field(default_factory=list)

    def of(self, model: type[SQLModel]) -> list[dict[str, Any]]:
        """The rows of ``model``'s table."""
        return self.tables.setdefault(table_of(model).name, [])


class RowsBuilder:
    """Collects the rows of one dataset; ``text`` and ``fact`` add rows about a subject."""

    def __init__(self, seed_url: str, seed_text: str = "") -> None:
        self.seed_url = seed_url
        self.seed_text = seed_text
        self.rows = DesiredRows()

    def source_url(self, source: str | None) -> str | None:
        """The URL of a source: ``seed`` stands for the seed page."""
        return self.seed_url if source == SEED_SOURCE else source

    def text(
        self,
        ref: Ref,
        name: str,
        language: str,
        value: str,
        source_url: str | None = None,
        basis: str | None = None,
        *,
        kind: SourceKind | None = None,
        confidence: str | None = None,
        seed_phrase: str | None = None,
    ) -> None:
        """A text with its source; a text no page states must say why it is served (``basis``)
        and is of low confidence unless the dataset rates it."""
        source_kind = _source_kind(self.seed_url, source_url, kind)
        if source_kind == SourceKind.SEED:
            # A text taken from the seed is its own phrase; the seed must hold it.
            seed_phrase = seed_phrase or value
            if self.seed_text and seed_phrase not in self.seed_text:
                raise ValueError(f"{ref} {name} ({language}): {seed_phrase!r} not in the seed")
        if source_kind == SourceKind.EDITORIAL and not basis:
            raise ValueError(f"{ref} {name} ({language}): an editorial text needs a basis")
        self.rows.translations.append(
            {
                "subject": ref,
                "field": name,
                "language": language,
                "text": value,
                "source_url": source_url,
                "basis": basis,
                "source_kind": source_kind.value,
                "confidence": _confidence(source_kind, confidence),
                "seed_phrase": seed_phrase,
            }
        )

    def searchable(self, ref: Ref, text: str) -> None:
        """Let search find ``ref`` by ``text`` (a translation's text is found without this)."""
        self.rows.search_texts.append({"subject": ref, "text": text})

    def sourced_texts(self, ref: Ref, name: str, texts: dict[str, SourcedText]) -> None:
        for language, entry in texts.items():
            self.text(
                ref,
                name,
                language,
                entry.text,
                source_url=self.source_url(entry.source),
                basis=entry.basis,
                confidence=entry.confidence,
                seed_phrase=entry.seed_phrase,
            )

    def fact(
        self,
        ref: Ref,
        name: str,
        source: str | None,
        seed_phrase: str | None = None,
        note: str | None = None,
        kind: SourceKind | None = None,
        confidence: str | None = None,
    ) -> None:
        """A fact with its source; one no page states must say how it was established."""
        source_url = self.source_url(source)
        source_kind = _source_kind(self.seed_url, source_url, kind)
        if source_kind == SourceKind.EDITORIAL and not note:
            raise ValueError(f"{ref} {name}: an editorial fact needs a note")
        if len(name) > 64:  # the provenance.fact column; a readable title, not a key
            raise ValueError(f"{ref} {name!r}: a fact's name has at most 64 characters")
        self.rows.provenance.append(
            {
                "subject": ref,
                "fact": name,
                "source_url": source_url,
                "seed_phrase": seed_phrase,
                "note": note,
                "source_kind": source_kind.value,
                "confidence": _confidence(source_kind, confidence),
            }
        )


def _source_kind(seed_url: str, source_url: str | None, kind: SourceKind | None) -> SourceKind:
    """The seed page, another page, or (without a URL) ``kind``: editorial unless given."""
    if source_url == seed_url:
        return SourceKind.SEED
    if source_url:
        return SourceKind.PAGE
    return kind or SourceKind.EDITORIAL


def _confidence(source_kind: SourceKind, confidence: str | None) -> str:
    """A text's or a fact's confidence: as the dataset rates it, else high when its source
    states it and low for the editors' own."""
    if confidence is not None:
        return str(confidence)
    stated = source_kind != SourceKind.EDITORIAL
    return str(ConfidenceLevel.HIGH if stated else ConfidenceLevel.LOW)
