"""The tables the loader derives from the dataset rather than reads from it: the search terms
of every subject, and the loaded dataset's version (its content hash)."""

from datetime import datetime

from sqlalchemy import Index
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
