"""office validity periods and successions

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 22:00:00

Each office gains its period of validity (partial dates with precision, source, quote and
confidence, or the reason they are unknown) and ``office_succession`` records which office
follows which (the 2024 mergers). Every new column is nullable: the next load fills them.
``office_country`` is keyed by country and office: successive offices support one country.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_BOUNDS = ("valid_from", "valid_until")


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both engines: a batch rebuild of regional_office is
    # impossible on SQLite once offices and the rows pointing at them exist.
    for bound in _BOUNDS:
        for column in _columns(bound):
            op.add_column("regional_office", column)
    _rekey_coverage("pk_office_country", ["country_id", "office_id"])
    op.create_table(
        "office_succession",
        sa.Column("predecessor_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("successor_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", _TEXT(length=32), nullable=False),
        sa.Column("source_url", _TEXT(), nullable=False),
        sa.Column("quote", _TEXT(), nullable=False),
        sa.Column("confidence", _TEXT(length=8), nullable=False),
        sa.CheckConstraint("kind IN ('merged_into')", name="ck_succession_kind"),
        sa.CheckConstraint(
            "confidence IN ('high', 'medium', 'low')", name="ck_succession_confidence"
        ),
        sa.ForeignKeyConstraint(["predecessor_id"], ["regional_office.id"]),
        sa.ForeignKeyConstraint(["successor_id"], ["regional_office.id"]),
        sa.PrimaryKeyConstraint("predecessor_id", "successor_id"),
    )
    with op.batch_alter_table("office_succession", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_succession_successor_id"), ["successor_id"], unique=False
        )


def _columns(bound: str) -> list[sa.Column[object]]:
    return [
        sa.Column(bound, _TEXT(length=10), nullable=True),
        sa.Column(f"{bound}_precision", _TEXT(length=8), nullable=True),
        sa.Column(f"{bound}_source_url", _TEXT(), nullable=True),
        sa.Column(f"{bound}_quote", _TEXT(), nullable=True),
        sa.Column(f"{bound}_confidence", _TEXT(length=8), nullable=True),
        sa.Column(f"{bound}_derivation", _TEXT(), nullable=True),
        sa.Column(f"{bound}_unknown", _TEXT(), nullable=True),
    ]


def _rekey_coverage(name: str, columns: list[str]) -> None:
    """Rebuild office_country with the primary key ``columns``, keeping its rows.

    By hand rather than in batch mode, the same way on both engines: nothing points at this
    table, so it can be copied, dropped and renamed.
    """
    op.create_table(
        "office_country_rekeyed",
        sa.Column("country_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("office_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["regional_office.id"]),
        sa.PrimaryKeyConstraint(*columns, name=name),
    )
    op.execute(
        "INSERT INTO office_country_rekeyed (country_id, office_id, inferred) "
        "SELECT country_id, office_id, inferred FROM office_country"
    )
    op.drop_index("ix_office_country_office_id", table_name="office_country")
    op.drop_table("office_country")
    op.rename_table("office_country_rekeyed", "office_country")
    op.create_index("ix_office_country_office_id", "office_country", ["office_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("office_succession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_succession_successor_id"))
    op.drop_table("office_succession")
    _rekey_coverage("office_country_pkey", ["country_id"])
    for bound in reversed(_BOUNDS):
        for column in reversed(_columns(bound)):
            op.drop_column("regional_office", column.name)
