"""issued API keys

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:00:00

``api_key``: the keys the operator issues (``python -m db keys``), each a name, the SHA-256
digest of the key (never the key), an optional rate and burst of its own, and when it was
created and revoked. A new table only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=64), nullable=False),
        sa.Column("digest", _TEXT(length=64), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("burst", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("rate IS NULL OR rate > 0", name="ck_api_key_rate"),
        sa.CheckConstraint("burst IS NULL OR burst > 0", name="ck_api_key_burst"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_key_name", "api_key", ["name"], unique=True)
    op.create_index("ix_api_key_digest", "api_key", ["digest"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_api_key_digest", table_name="api_key")
    op.drop_index("ix_api_key_name", table_name="api_key")
    op.drop_table("api_key")
