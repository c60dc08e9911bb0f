"""the history of dataset loads and what each changed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 20:00:00

``dataset_load``: one row per load that changed the dataset version (its hash, the hash it
replaced, when). ``dataset_change``: what that load changed, by natural key (``db.history``).
New tables only; the next load that changes the dataset writes the first rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "dataset_load",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", _TEXT(length=64), nullable=False),
        sa.Column("previous_hash", _TEXT(length=64), nullable=True),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("source_file", _TEXT(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dataset_load_content_hash", "dataset_load", ["content_hash"])
    op.create_table(
        "dataset_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.Column("entity_type", _TEXT(length=32), nullable=False),
        sa.Column("entity_key", _TEXT(length=256), nullable=False),
        sa.Column("kind", _TEXT(length=8), nullable=False),
        sa.Column("field", _TEXT(length=128), nullable=True),
        sa.Column("old_value", _TEXT(), nullable=True),
        sa.Column("new_value", _TEXT(), nullable=True),
        sa.ForeignKeyConstraint(["load_id"], ["dataset_load.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dataset_change_load", "dataset_change", ["load_id"])


def downgrade() -> None:
    op.drop_index("ix_dataset_change_load", table_name="dataset_change")
    op.drop_table("dataset_change")
    op.drop_index("ix_dataset_load_content_hash", table_name="dataset_load")
    op.drop_table("dataset_load")
