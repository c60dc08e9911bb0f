"""a kind of source on every fact and text, a confidence and seed phrase on texts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10 01:00:00

Every fact the service serves names its source or says that it has none: ``source_kind``
(seed, page, reference_data, editorial) on ``provenance`` and ``translation``. Texts gain a
``confidence`` (a client can filter out unverified names) and the ``seed_phrase`` they are
taken from, so a name and its seed wording are one source entry instead of two.

Plain ``ADD COLUMN`` with server defaults on both engines: SQLite rebuilds nothing. Existing
rows get the most cautious values (editorial, low); the next load sets the true ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def _kind_column() -> sa.Column[str]:
    return sa.Column("source_kind", _TEXT(length=16), nullable=False, server_default="editorial")


def upgrade() -> None:
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.add_column(_kind_column())
    with op.batch_alter_table("translation", schema=None) as batch_op:
        batch_op.add_column(_kind_column())
        batch_op.add_column(
            sa.Column("confidence", _TEXT(length=8), nullable=False, server_default="low")
        )
        batch_op.add_column(sa.Column("seed_phrase", _TEXT(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("translation", schema=None) as batch_op:
        batch_op.drop_column("seed_phrase")
        batch_op.drop_column("confidence")
        batch_op.drop_column("source_kind")
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.drop_column("source_kind")
