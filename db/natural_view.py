"""The loaded dataset as a person names it: every entity by its natural key, every field as text.

Database ids change from load to load (a row deleted and inserted again gets a new one), so a
diff of two versions cannot compare ids. This view replaces them: an entity is named by its
table and natural key (``regional_office`` ``nairobi``; ``office_country`` ``KEN/nairobi``), a
reference by the natural key of the row it points at, and a subject's texts, provenance and
data-quality notes become fields of that subject (``name.fr``, ``provenance.host_country.
source_url``). The search terms are left out: they are derived from the texts.

``read_natural_view`` reads it on the connection given, so inside a load's transaction it sees
the state that transaction sees.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, select

from db.models import DataQualityNoteSubject, Provenance, Translation
from db.tables import loaded_tables, table_of

EntityKey = tuple[str, str]
"""(entity type, natural key), e.g. ``("regional_office", "nairobi")``."""
NaturalView = dict[EntityKey, dict[str, str | None]]
# The separator of a composite natural key: slugs and ISO codes never contain it.
KEY_SEPARATOR = "/"


def text_of(value: Any) -> str | None:
    """A column value as the text a diff shows (booleans as ``true``/``false``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_natural_view(connection: Connection) -> NaturalView:
    """Every entity of the tables a load writes (``db.tables.loaded_tables``), parents first,
    with its fields; then the texts, provenance and note subjects folded into them."""
    view: NaturalView = {}
    keys_by_id: dict[str, dict[int, str]] = {}  # table name -> id -> natural key
    subjects: dict[str, str] = {}  # subject type -> table name
    for table, declared in loaded_tables():
        keys, subject_type = declared.natural_key, declared.subject_type
        references = _references(table, keys_by_id)
        rows: list[dict[str, Any]] = [dict(r) for r in connection.execute(select(table)).mappings()]
        keyed = [
            (KEY_SEPARATOR.join(_named(row, c, references) for c in keys), row) for row in rows
        ]
        by_id = {row["id"]: key for key, row in keyed if "id" in row}
        # A self-reference (an institution's parent) names a row of this same table.
        references.update({c: by_id for c, target in _targets(table) if target == table.name})
        for key, row in keyed:
            view[(table.name, key)] = {
                column: text_of(references[column].get(value) if column in references else value)
                for column, value in sorted(row.items())
                if column != "id" and column not in keys
            }
        keys_by_id[table.name] = by_id
        if subject_type:
            subjects[subject_type] = table.name

    def subject(subject_type: str, subject_id: int) -> dict[str, str | None]:
        table_name = subjects[subject_type]
        return view[(table_name, keys_by_id[table_name][subject_id])]

    _fold_subject_rows(connection, table_of(Translation), ("field", "language"), "text", subject)
    _fold_subject_rows(connection, table_of(Provenance), ("fact",), None, subject, "provenance")
    _fold_note_subjects(connection, view, keys_by_id, subjects)
    return view


def _targets(table: Table) -> list[tuple[str, str]]:
    """(column, table it references by id) for each foreign key of ``table`` to an id."""
    return [
        (column.name, foreign_key.column.table.name)
        for column in table.c
        for foreign_key in column.foreign_keys
        if foreign_key.column.name == "id"
    ]


def _references(table: Table, keys_by_id: dict[str, dict[int, str]]) -> dict[str, dict[int, str]]:
    """The columns of ``table`` that hold the id of a row of a table read before."""
    return {
        column: keys_by_id[target] for column, target in _targets(table) if target in keys_by_id
    }


def _named(row: dict[str, Any], column: str, references: dict[str, dict[int, str]]) -> str:
    value = row[column]
    return str(references[column][value] if column in references else value)


def _fold_subject_rows(
    connection: Connection,
    table: Table,
    name_columns: tuple[str, ...],
    value_column: str | None,
    subject: Any,
    prefix: str = "",
) -> None:
    """Each row of ``table`` becomes fields of its subject, named by ``name_columns``."""
    skip = {"id", "subject_type", "subject_id", *name_columns}
    for row in connection.execute(select(table)).mappings():
        name = ".".join([*([prefix] if prefix else []), *(str(row[c]) for c in name_columns)])
        fields = subject(row["subject_type"], row["subject_id"])
        for column, value in row.items():
            if column in skip:
                continue
            field = name if column == value_column else f"{name}.{column}"
            fields[field] = text_of(value)


def _fold_note_subjects(
    connection: Connection,
    view: NaturalView,
    keys_by_id: dict[str, dict[int, str]],
    subjects: dict[str, str],
) -> None:
    """A note's subjects become one field of the note: ``subjects``, sorted."""
    table = table_of(DataQualityNoteSubject)
    by_note: dict[str, list[str]] = defaultdict(list)
    for note_id, subject_type, subject_id in connection.execute(
        select(table.c.note_id, table.c.subject_type, table.c.subject_id)
    ):
        subject_key = keys_by_id[subjects[subject_type]][subject_id]
        by_note[keys_by_id["data_quality_note"][note_id]].append(f"{subject_type}:{subject_key}")
    for (table_name, key), fields in view.items():
        if table_name == "data_quality_note":
            fields["subjects"] = ", ".join(sorted(by_note.get(key, []))) or None
