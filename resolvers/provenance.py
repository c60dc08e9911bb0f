"""Sources of facts and the data-quality notes attached to each entity."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, select, tuple_

from db.models import (
    DataQualityNote,
    DataQualityNoteSubject,
    Provenance,
    Translation,
)
from db.tables import table_of
from resolvers.database import Database
from resolvers.records import group_pairs, records_of

Subject = tuple[str, int]  # (subject type, id)
_provenance = table_of(Provenance)
_translation = table_of(Translation)
_note = table_of(DataQualityNote)
_note_subject = table_of(DataQualityNoteSubject)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """Where one fact comes from: a URL and, for the seed page, the exact phrase."""

    fact: str
    url: str | None
    seed_phrase: str | None
    note: str | None
    kind: str  # db.vocabulary.SourceKind
    confidence: str | None = None  # null only in a database loaded before migration 0007


@dataclass(frozen=True, slots=True)
class NoteRecord:
    id: int
    slug: str
    rank: int
    severity: str
    text: str
    seed_phrase: str | None


def _subjects_filter(subject_keyed: Table, subjects: Sequence[Subject]) -> ColumnElement[bool]:
    columns = (subject_keyed.c.subject_type, subject_keyed.c.subject_id)
    return tuple_(*columns).in_(list(subjects))


def sources_by_subjects(
    db: Database, subjects: Sequence[Subject]
) -> dict[Subject, list[SourceRecord]]:
    """Provenance rows, then the source of each of the subject's texts (``name (fr)``...):
    every text has one (a page, the seed, reference data, or an editorial basis)."""
    facts = select(
        _provenance.c.subject_type,
        _provenance.c.subject_id,
        _provenance.c.fact,
        _provenance.c.source_url,
        _provenance.c.seed_phrase,
        _provenance.c.note,
        _provenance.c.source_kind,
        _provenance.c.confidence,
    ).where(_subjects_filter(_provenance, subjects))
    texts = select(
        _translation.c.subject_type,
        _translation.c.subject_id,
        (_translation.c.field + " (" + _translation.c.language + ")").label("fact"),
        _translation.c.source_url,
        _translation.c.seed_phrase,
        _translation.c.basis,
        _translation.c.source_kind,
        _translation.c.confidence,
    ).where(_subjects_filter(_translation, subjects))
    statement = facts.union_all(texts).order_by("subject_type", "subject_id", "fact")
    # Few distinct values (a kind, a confidence, a URL, a note repeated on many facts): one
    # object each, not one per row (1.8 MB of the dataset's memory at ten times the data).
    same: dict[object, object] = {}

    def shared(value: Any) -> Any:
        return same.setdefault(value, value)

    sources = (
        ((row[0], row[1]), SourceRecord(*map(shared, row[2:]))) for row in db.fetch(statement)
    )
    return group_pairs(sources, subjects)


def notes_by_subjects(db: Database, subjects: Sequence[Subject]) -> dict[Subject, list[NoteRecord]]:
    statement = (
        select(_note_subject.c.subject_type, _note_subject.c.subject_id, *_note.c)
        .join(_note, _note.c.id == _note_subject.c.note_id)
        .where(_subjects_filter(_note_subject, subjects))
        .order_by(_note.c.rank)
    )
    notes = (((row[0], row[1]), NoteRecord(*row[2:])) for row in db.fetch(statement))
    return group_pairs(notes, subjects)


def subjects_by_note_ids(db: Database, ids: Sequence[int]) -> dict[int, list[Subject]]:
    statement = (
        select(_note_subject.c.note_id, _note_subject.c.subject_type, _note_subject.c.subject_id)
        .where(_note_subject.c.note_id.in_(ids))
        .order_by(_note_subject.c.subject_type, _note_subject.c.subject_id)
    )
    rows = db.fetch(statement)
    return group_pairs(((note_id, (t, i)) for note_id, t, i in rows), ids)


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def list_notes(db: Database, severities: Sequence[str] | None = None) -> list[NoteRecord]:
    """The notes (of ``severities``, if given), most severe first, then in the dataset's order."""
    statement = select(*_note.c).order_by(_note.c.rank)
    if severities is not None:
        statement = statement.where(_note.c.severity.in_(severities))
    records = [NoteRecord(*row) for row in db.fetch(statement)]
    return sorted(records, key=lambda record: SEVERITY_ORDER[record.severity])


NOTES = records_of(DataQualityNote, NoteRecord, order_by=("rank",))
"""The notes in the dataset's order: the edges by id and slug derive from it
(``resolvers.edges``)."""
