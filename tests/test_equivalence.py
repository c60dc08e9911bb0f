"""The dataset in memory, the planned executor (``schema.execution``) and the lean resolvers
(``schema.execution.resolution``) answer exactly as the database and strawberry's standard
resolvers and execution do.

iom-graph answers every edge of the graph from ``resolvers.in_memory.InMemoryDataset``: each
batch function run once, at read time, for every key there is. The standard it must match is
the way it answered before: each edge asking the database, during the request, for just the
keys the request reaches. ``database_dataset`` builds that standard: the same ``Edges``
whose lookups run their batch function on the database for the keys asked, on one read
transaction, executed by strawberry's own resolvers and execution context
(``build_schema(standard_execution=True)``). Every GraphiQL example and hundreds of
generated queries (hypothesis-graphql) run both ways, on both backends; results, errors
included, must be equal. Each also runs on the plan alone, without graphql-core to fall back
on: every one the standard answers without an error must come out of the plan itself, equal.
"""

import asyncio
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLObjectType
from hypothesis import given
from hypothesis_graphql import queries
from sqlalchemy import Engine
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers import country, institution, provenance
from resolvers import regional_office as office
from resolvers.bounds import list_sizes
from resolvers.database import Database, read_transaction
from resolvers.edges import BOUNDS, EDGES, Edge, Edges, Lookup
from resolvers.in_memory import InMemoryDataset, read_in_memory, read_loaded_at
from resolvers.organisation import the_organisation
from resolvers.search import read_terms
from schema import build_schema
from schema.__main__ import sdl
from schema.context import Context
from schema.execution import PlannedExecutionContext
from schema.execution.resolution import LeanResolver
from tests.conftest import DEFAULT_SCHEMA
from tests.dataset_facts import EXAMPLES
from tests.generated import examples

STANDARD_SCHEMA = build_schema(standard_execution=True)


class PlanOnly(PlannedExecutionContext):
    """The planned executor with no fall-back: where the plan stops, the operation fails."""

    fall_back = False


PLAN_ONLY_SCHEMA = build_schema()
PLAN_ONLY_SCHEMA.execution_context_class = PlanOnly


class DatabaseAnswers(Mapping[Any, Any]):
    """An edge's answers, each asked of the database by its batch function when read."""

    def __init__(self, db: Database, edge: Edge[Any, Any, Any]) -> None:
        self.db, self.edge = db, edge

    def __getitem__(self, key: Any) -> Any:
        value = self.edge.fetch(self.db, [key])[key]
        return tuple(value) if self.edge.is_list else value

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("the standard asks for keys, it lists none")

    def __len__(self) -> int:
        raise TypeError("the standard asks for keys, it lists none")


class DatabaseLookup(Lookup[Any, Any, Any]):
    """An edge answered by its batch function on the database, for the keys asked only."""

    def __init__(self, db: Database, edge: Edge[Any, Any, Any]) -> None:
        super().__init__(DatabaseAnswers(db, edge), edge.default)
        self.db, self.edge = db, edge

    def load_many(self, keys: Sequence[Any]) -> list[Any]:
        found = self.edge.fetch(self.db, list(keys))
        values = [found.get(key, self.default) for key in keys]
        return [tuple(v) for v in values] if self.edge.is_list else values


class DatabaseLists:
    """The root lists as the database answered them: each filter a statement."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def offices(self, *args: Any) -> list[Any]:
        return office.list_offices(self.db, *args)

    def countries(self, *args: Any) -> list[Any]:
        return country.list_countries(self.db, *args)

    def institutions(self, *args: Any) -> list[Any]:
        return institution.list_institutions(self.db, *args)

    def institutions_by_acronym(self, acronym: str) -> list[Any]:
        return institution.institutions_by_acronym(self.db, acronym)

    def notes(self, severities: Sequence[str] | None) -> list[Any]:
        return provenance.list_notes(self.db, severities)


def database_dataset(db: Database) -> InMemoryDataset:
    lookups = {name: DatabaseLookup(db, edge) for name, edge in EDGES.items()}
    return InMemoryDataset(
        db.version,
        Edges(lookups),
        the_organisation(db),
        read_terms(db),
        list_sizes(db, BOUNDS),
        read_loaded_at(db),
        DatabaseLists(db),
    )


class BothWays:
    """Runs an operation on the dataset in memory and on the database standard."""

    def __init__(self, engine: Engine) -> None:
        self.database = Database(engine)
        self.in_memory = read_in_memory(self.database)

    async def _run(
        self,
        query: str,
        variables: dict[str, Any] | None,
        schema: Any,
        standard: bool = False,
        languages: tuple[str, ...] = (),
    ) -> Any:
        with read_transaction(self.database) as db:
            dataset = database_dataset(db) if standard else self.in_memory
            context = Context(db=db, dataset=dataset, request_id="equivalence", languages=languages)
            result = await schema.execute(query, variable_values=variables, context_value=context)
        errors = [e.formatted for e in result.errors or []]
        return {"data": result.data, "errors": errors, "extensions": result.extensions}

    def compare(
        self, query: str, variables: dict[str, Any] | None = None, languages: tuple[str, ...] = ()
    ) -> Any:
        in_memory = asyncio.run(self._run(query, variables, DEFAULT_SCHEMA, False, languages))
        standard = asyncio.run(self._run(query, variables, STANDARD_SCHEMA, True, languages))
        assert in_memory == standard
        if not standard["errors"]:
            planned = asyncio.run(self._run(query, variables, PLAN_ONLY_SCHEMA, False, languages))
            assert planned == standard
        return in_memory


@pytest.fixture
def both_ways(seeded_engine: Engine) -> BothWays:
    return BothWays(seeded_engine)


def _examples() -> list[tuple[str, Path]]:
    return [(path.stem, path) for path in sorted(EXAMPLES.glob("*.graphql"))]


@pytest.mark.parametrize(("name", "path"), _examples(), ids=[n for n, _ in _examples()])
def test_every_graphiql_example_is_answered_alike(
    both_ways: BothWays, name: str, path: Path
) -> None:
    variables_file = path.with_suffix(".variables.json")
    variables = json.loads(variables_file.read_text()) if variables_file.exists() else None
    result = both_ways.compare(path.read_text(encoding="utf-8"), variables)
    assert result["errors"] == [], name
    assert result["data"], name


def test_the_examples_are_all_compared() -> None:
    assert len(_examples()) == 7


@examples(150)
@given(query=queries(sdl()))
def test_generated_queries_are_answered_alike(both_ways: BothWays, query: str) -> None:
    both_ways.compare(query)


def _lean_fields(executable: Any) -> list[str]:
    return sorted(
        f"{named.name}.{name}"
        for named in executable._schema.type_map.values()
        if isinstance(named, GraphQLObjectType)
        for name, field in named.fields.items()
        if isinstance(field.resolve, LeanResolver)
    )


def test_the_service_executes_planned_with_lean_resolvers() -> None:
    assert DEFAULT_SCHEMA.execution_context_class is PlannedExecutionContext
    assert STANDARD_SCHEMA.execution_context_class is StrawberryGraphQLCoreExecutionContext
    lean = _lean_fields(DEFAULT_SCHEMA)
    # Every synchronous resolver with scalar and enum arguments only (``Query.institution``
    # too, since it reads acronyms from memory), and the root lists, whose filter and order
    # inputs build themselves (``from_input``); the root fields taking lists or global ids
    # keep strawberry's. The connections' and edges' fields are resolvers too: made only when
    # selected.
    assert len(lean) == 154  # 13 of them the history's connections and DatasetChangesSince.changes
    assert {
        "Country.coverageInferred",
        "Country.name",
        "Country.id",
        "CountryConnection.edges",
        "CountryEdge.cursor",
        "InstitutionLinkEdge.evidence",
    } <= set(lean)
    assert {"Query.institution", "Query.regionalOffices", "Query.countries"} <= set(lean)
    assert "Query.institutions" in lean
    assert not {"Query.countriesByCode", "Query.nodes", "Query._entities"} & set(lean)
    assert _lean_fields(STANDARD_SCHEMA) == []
