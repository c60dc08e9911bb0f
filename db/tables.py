"""The SQLAlchemy ``Table`` behind a SQLModel table class, typed once for every caller."""

from sqlalchemy import Table
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """``model.__table__``: core statements (``select(t.c.id)``) need the table, not the class."""
    # SQLModel sets __table__ on each table class but does not declare it, so mypy cannot see it.
    found: Table = model.__table__  # type: ignore[attr-defined]
    return found
