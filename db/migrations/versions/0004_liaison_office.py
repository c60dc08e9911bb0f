"""an office kind, offices without coverage, and successions by function

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00

The Global Office in Brussels is an office of another kind (``regional_office.kind``:
regional_office or liaison_office) with no region and no stated coverage, so the coverage
columns become nullable. It took over one function of the Brussels regional office, a new
succession kind (``took_over_function``) that no page states in words: successions gain
the ``derivation`` that explains them.

SQLite rebuilds both tables (batch mode) to change their CHECK constraints; ``db.migrate``
runs migrations with foreign keys off and checks them before committing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def _kinds(*kinds: str) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def upgrade() -> None:
    with op.batch_alter_table("regional_office", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind", _TEXT(length=32), nullable=False, server_default="regional_office"
            )
        )
        batch_op.create_check_constraint(
            "ck_office_kind", _kinds("regional_office", "liaison_office")
        )
        batch_op.alter_column("coverage_confidence", existing_type=_TEXT(length=8), nullable=True)
        batch_op.alter_column("coverage_method", existing_type=_TEXT(), nullable=True)
    with op.batch_alter_table("office_succession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("derivation", _TEXT(), nullable=True))
        batch_op.drop_constraint("ck_succession_kind", type_="check")
        batch_op.create_check_constraint(
            "ck_succession_kind", _kinds("merged_into", "took_over_function")
        )


def downgrade() -> None:
    # Fails while the liaison office is loaded: load a dataset without it first.
    with op.batch_alter_table("office_succession", schema=None) as batch_op:
        batch_op.drop_constraint("ck_succession_kind", type_="check")
        batch_op.create_check_constraint("ck_succession_kind", _kinds("merged_into"))
        batch_op.drop_column("derivation")
    with op.batch_alter_table("regional_office", schema=None) as batch_op:
        batch_op.alter_column("coverage_method", existing_type=_TEXT(), nullable=False)
        batch_op.alter_column(
            "coverage_confidence", existing_type=_TEXT(length=8), nullable=False
        )
        batch_op.drop_constraint("ck_office_kind", type_="check")
        batch_op.drop_column("kind")
