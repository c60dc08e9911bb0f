"""api_key timestamps with their time zone on PostgreSQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:59:00

Migration 0009 created ``api_key.created_at`` and ``revoked_at`` as ``timestamp without time
zone`` where the model declares them with one (sqlmodel's ``DateTime(timezone=True)``), so
PostgreSQL kept UTC instants as wall-clock times of the session's zone
(``tests/test_models_match_migrations.py`` found it). The columns become ``timestamptz``;
PostgreSQL's own cast reads the stored wall-clock times in the session's zone, the one they
were written in. SQLite stores both alike: nothing to do there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("created_at", False), ("revoked_at", True))


def _retype(with_time_zone: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, nullable in _COLUMNS:
        op.alter_column(
            "api_key",
            column,
            type_=sa.DateTime(timezone=with_time_zone),
            existing_type=sa.DateTime(timezone=not with_time_zone),
            existing_nullable=nullable,
        )


def upgrade() -> None:
    _retype(with_time_zone=True)


def downgrade() -> None:
    _retype(with_time_zone=False)
