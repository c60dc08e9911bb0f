"""``resolvers.records``: an entity's records are read from its table (``records_of``), and the
edges to it name one of its columns (``resolvers.edge.one``/``many``); a record that does not
fit its table, or a column of another table, fails at import, not in a response."""

import dataclasses
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col

from db.evidence import OrganisationStatement
from db.models import LeadershipUnit, RegionalOffice
from resolvers.database import Database, read_transaction
from resolvers.edge import many, one
from resolvers.leadership import UNITS
from resolvers.records import records_of
from resolvers.statement import STATEMENTS, StatementRecord


def statement_record_with(name: str, written: Any) -> type:
    """``StatementRecord`` with its field ``name`` typed ``written``."""
    fields = [
        (f.name, written if f.name == name else f.type) for f in dataclasses.fields(StatementRecord)
    ]
    return dataclasses.make_dataclass("Wrong", fields, frozen=True)


def test_a_record_whose_field_admits_null_where_its_column_does_not_is_refused() -> None:
    with pytest.raises(TypeError) as refused:
        records_of(OrganisationStatement, statement_record_with("slug", str | None))
    assert str(refused.value) == (
        "Wrong.slug: str | None does not fit its column (AutoString(length=64), not null)"
    )


def test_a_record_whose_field_has_another_type_than_its_column_is_refused() -> None:
    with pytest.raises(TypeError) as refused:
        records_of(OrganisationStatement, statement_record_with("rank", str))
    assert str(refused.value) == (
        "Wrong.rank: <class 'str'> does not fit its column (Integer(), not null)"
    )


def test_an_edge_keyed_by_a_column_of_another_table_is_refused() -> None:
    with pytest.raises(TypeError) as refused:
        one(STATEMENTS, col(RegionalOffice.slug))
    assert str(refused.value) == "RegionalOffice.slug is not a column of organisation_statement"


def test_a_list_edge_takes_its_keys_and_bound_from_its_column(seeded_engine: Engine) -> None:
    """Its keys are every value of the column its key column references (a unit with no
    report has an empty list), its bound the largest group sharing the key column."""
    edge = many(UNITS, col(LeadershipUnit.reports_to_id))
    assert edge.bound is not None
    with read_transaction(Database(seeded_engine)) as db:
        keys = edge.keys.read(db)
        assert sorted(keys) == [1, 2, 3, 4, 5, 6]
        found = edge.fetch(db, keys)
        assert {key: [unit.slug for unit in units] for key, units in found.items()} == {
            1: [
                "ddg-management-reform",
                "ddg-operations",
                "office-chief-of-staff",
                "office-partnerships-advocacy-communications",
                "office-strategy-performance",
            ],
            2: [],
            3: [],
            4: [],
            5: [],
            6: [],
        }
        assert db.scalar(edge.bound.query) == 5
