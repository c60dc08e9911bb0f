"""offices not on the seed page, and derived coverage

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00

The 2024 successors are not on the seed page: ``regional_office.seed_heading`` becomes
nullable. ``coverage_derived`` says that an office's country list is derived (the successors'
lists are unions of their predecessors'), not stated by any page.

SQLite rebuilds regional_office (batch mode): ``db.migrate`` runs migrations with foreign
keys off and checks them before committing, as SQLite prescribes for altering tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("regional_office", schema=None) as batch_op:
        batch_op.alter_column("seed_heading", existing_type=sa.String(), nullable=True)
        batch_op.add_column(
            sa.Column(
                "coverage_derived", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    # Fails while an office without a seed heading is loaded: load a dataset without one first.
    with op.batch_alter_table("regional_office", schema=None) as batch_op:
        batch_op.drop_column("coverage_derived")
        batch_op.alter_column("seed_heading", existing_type=sa.String(), nullable=False)
