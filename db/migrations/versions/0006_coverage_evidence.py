"""per-country coverage evidence, and the organisation's statements

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 02:00:00

``coverage_evidence``: which page says what about one office and one country (it lists it,
mentions it, or assigns it to another office), with its quote and confidence. A new table
only; ``office_country.inferred`` keeps its column, now derived from this evidence by the
loader (the next load recomputes it). ``organisation_statement``: a relationship the seed
states between the organisation itself and an institution (IOM supports the 2030 Agenda).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "coverage_evidence",
        sa.Column("office_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("country_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=32), nullable=False),
        sa.Column("source_url", _TEXT(), nullable=False),
        sa.Column("quote", _TEXT(), nullable=True),
        sa.Column("confidence", _TEXT(length=8), nullable=False),
        sa.Column("note", _TEXT(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('lists', 'mentions', 'assigned_elsewhere')", name="ck_evidence_kind"
        ),
        sa.CheckConstraint(
            "confidence IN ('high', 'medium', 'low')", name="ck_evidence_confidence"
        ),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"]),
        sa.ForeignKeyConstraint(["office_id"], ["regional_office.id"]),
        sa.PrimaryKeyConstraint("office_id", "country_id", "rank"),
    )
    op.create_index(
        "ix_coverage_evidence_country_id", "coverage_evidence", ["country_id"], unique=False
    )

    op.create_table(
        "organisation_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", _TEXT(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("relationship_kind", sa.String(length=64), nullable=False),
        sa.Column("phrase_fr", _TEXT(), nullable=False),
        sa.Column("source_url", _TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["institution_id"], ["institution.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["relationship_kind"], ["relationship_kind.slug"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column, unique in (("slug", True), ("organisation_id", False), ("institution_id", False)):
        op.create_index(
            f"ix_organisation_statement_{column}",
            "organisation_statement",
            [column],
            unique=unique,
        )


def downgrade() -> None:
    for column in ("institution_id", "organisation_id", "slug"):
        op.drop_index(f"ix_organisation_statement_{column}", table_name="organisation_statement")
    op.drop_table("organisation_statement")
    op.drop_index("ix_coverage_evidence_country_id", table_name="coverage_evidence")
    op.drop_table("coverage_evidence")
