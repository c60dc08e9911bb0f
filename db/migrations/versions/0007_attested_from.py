"""the earliest date a page supports an office whose start no page dates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:00:00

``regional_office.attested_from*``: for an office whose ``valid_from`` is unknown, the earliest
partial date a page supports its existing (the 2011 structure for six of the nine offices,
2024 for the Global Office in Brussels), with its source, quote, confidence and derivation.
Before it the office is served UNCERTAIN. ``provenance.confidence``: every fact's source
has a confidence (HIGH when its page states it, LOW for an editorial one, or the dataset's own,
e.g. a coverage's). Every new column is nullable: the next load fills them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("attested_from", _TEXT(length=10), nullable=True),
        sa.Column("attested_from_precision", _TEXT(length=8), nullable=True),
        sa.Column("attested_from_source_url", _TEXT(), nullable=True),
        sa.Column("attested_from_quote", _TEXT(), nullable=True),
        sa.Column("attested_from_confidence", _TEXT(length=8), nullable=True),
        sa.Column("attested_from_derivation", _TEXT(), nullable=True),
    ]


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both engines, as in 0002: a batch rebuild of
    # regional_office is impossible on SQLite once rows point at it.
    for column in _columns():
        op.add_column("regional_office", column)
    op.add_column("provenance", sa.Column("confidence", _TEXT(length=8), nullable=True))
    # A link another page states (the Global Office's to the EU): its quote, no seed phrase.
    # Nothing points at this table, so SQLite may rebuild it (batch) to relax phrase_fr.
    with op.batch_alter_table("office_institution_link") as batch_op:
        batch_op.alter_column("phrase_fr", existing_type=_TEXT(), nullable=True)
        batch_op.add_column(sa.Column("quote", _TEXT(), nullable=True))
        batch_op.add_column(sa.Column("quote_language", _TEXT(length=8), nullable=True))


def downgrade() -> None:
    # Before 0007 every link has a seed phrase: a link only another page states cannot be
    # kept (the next load of this revision's dataset restores it).
    op.execute(sa.text("DELETE FROM office_institution_link WHERE phrase_fr IS NULL"))
    with op.batch_alter_table("office_institution_link") as batch_op:
        batch_op.drop_column("quote_language")
        batch_op.drop_column("quote")
        batch_op.alter_column("phrase_fr", existing_type=_TEXT(), nullable=False)
    op.drop_column("provenance", "confidence")
    for column in reversed(_columns()):
        op.drop_column("regional_office", column.name)
