"""The tables the loader derives from the dataset rather than reads from it: the search terms
of every subject, the loaded dataset's version (its content hash), and the history of loads
with what each changed (``db.history``)."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from db.vocabulary import subject_check


class SearchTerm(SQLModel, table=True):
    """A normalised (accent- and case-folded) term under which a subject can be found."""

    __tablename__ = "search_term"
    __table_args__ = (
        Index("ix_search_term_term", "term"),
        subject_check("ck_search_term_subject"),
    )
    subject_type: str = Field(primary_key=True, max_length=32)
    subject_id: int = Field(primary_key=True)
    term: str = Field(primary_key=True, max_length=512)


class DatasetVersion(SQLModel, table=True):
    """The loaded dataset: a content hash that caches and ETags key on."""

    __tablename__ = "dataset_version"
    id: int = Field(default=1, primary_key=True)
    content_hash: str = Field(max_length=64)
    loaded_at: datetime
    source_file: str


class DatasetLoad(SQLModel, table=True):
    """A load that changed the dataset: the version it left, the one it replaced, when.

    Bounded: ``db.history`` keeps the newest ``history_versions`` loads (a setting) and deletes
    older ones, with their changes, in the transaction of the load that passes the bound."""

    __tablename__ = "dataset_load"
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64, index=True)
    previous_hash: str | None = Field(default=None, max_length=64)
    loaded_at: datetime
    source_file: str
    added: int = 0
    removed: int = 0
    changed: int = 0


class DatasetChange(SQLModel, table=True):
    """One change a load made: an entity added or removed, or one field of it changed."""

    __tablename__ = "dataset_change"
    __table_args__ = (Index("ix_dataset_change_load", "load_id"),)
    id: int | None = Field(default=None, primary_key=True)
    load_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset_load.id"), nullable=False))
    entity_type: str = Field(max_length=32)
    entity_key: str = Field(max_length=256)
    kind: str = Field(max_length=8)  # added, removed, changed
    field: str | None = Field(default=None, max_length=128)
    old_value: str | None = None
    new_value: str | None = None
