"""The cost memo (``schema.extensions.cost.CostMemo``): a repeated operation's cost is found,
not walked again, and every cost it gives is the one the model walks (exact costs of the
real dataset: 11 regional offices, at most 51 countries an office, 17 institutions)."""

import gc
import weakref
from typing import Any

import pytest
from graphql import DocumentNode, parse
from sqlalchemy import Engine

from benchmark.peer_queries import LOOKUP_IOM_GRAPH, NESTED_IOM_GRAPH
from resolvers.bounds import ListSizes
from resolvers.database import Database
from resolvers.in_memory import read_in_memory
from schema.extensions.cost import COSTS, CostMemo, ModelInputs
from schema.extensions.cost_model import CostModel
from tests.conftest import DEFAULT_SCHEMA, Execute

PAGES = DEFAULT_SCHEMA.limits.page
NESTED = (
    "query Nested($offices: Int, $countries: Int) { regionalOffices(first: $offices) "
    "{ nodes { countries(first: $countries) { nodes { alpha3 } } } } }"
)
NODES = "query Many($ids: [ID!]!) { nodes(ids: $ids) { id } }"
TWO_OPERATIONS = (
    "query A { organisation { slug } } query B { regionalOffices(first: 100) { nodes { slug } } }"
)


@pytest.fixture(scope="module")
def sizes(seeded_engine: Engine) -> ListSizes:
    return read_in_memory(Database(seeded_engine)).list_sizes


def inputs_of(sizes: ListSizes) -> ModelInputs:
    return (DEFAULT_SCHEMA._schema, sizes, PAGES.default_page_size, PAGES.max_page_size)


def nested_cost(offices: int, countries: int) -> int:
    """``NESTED`` on the real dataset: the connection, then per office its node, its
    countries' connection and their nodes."""
    return 1 + min(offices, 11) * (2 + min(countries, 51))


# (document, operation name, variables, exact cost on the real dataset)
CASES: list[tuple[str, str | None, dict[str, Any], int]] = [
    (NESTED_IOM_GRAPH, None, {}, 2 + 11 * (1 + 1 + 1 + 1 + 51 + 1 + 17 + 17)),
    (LOOKUP_IOM_GRAPH, None, {}, 2),
    (NESTED, None, {"offices": 100, "countries": 100}, nested_cost(100, 100)),
    (NESTED, None, {"offices": 2, "countries": 100}, nested_cost(2, 100)),
    (NESTED, None, {"offices": 2, "countries": 3}, nested_cost(2, 3)),
    (NESTED, None, {}, nested_cost(50, 50)),  # the default page
    (NESTED, None, {"offices": 1, "countries": 1}, nested_cost(1, 1)),
    # True == 1 == 1.0 in Python, not to the model: not integers, so the default page.
    (NESTED, None, {"offices": True, "countries": 1}, nested_cost(50, 1)),
    (NESTED, None, {"offices": 1.0, "countries": 1}, nested_cost(50, 1)),
    (NESTED, "Nested", {"offices": 1, "countries": 1}, nested_cost(1, 1)),
    (NODES, None, {"ids": ["a", "b"]}, 2),
    (NODES, None, {"ids": ["a", "b", "c"]}, 3),
    (TWO_OPERATIONS, "A", {}, 1),
    (TWO_OPERATIONS, "B", {}, 1 + 11),
    (TWO_OPERATIONS, "C", {}, 0),
]


def test_every_cost_is_the_walks_and_exact(sizes: ListSizes) -> None:
    memo, inputs = CostMemo(), inputs_of(sizes)
    model = CostModel(*inputs)
    documents = {query: parse(query) for query, _, _, _ in CASES}
    for _ in range(2):  # walked, then found
        for query, name, variables, cost in CASES:
            assert model.estimate(documents[query], name, variables) == cost
            assert memo.cost(inputs, documents[query], name, variables) == cost
    # One walk per case but the float's: the model reads 1.0 as it reads True (no integer).
    assert memo.walks == len(CASES) - 1
    assert len(memo) == len(CASES) - 1


def test_a_repeated_operation_is_not_walked_again(
    sizes: ListSizes, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[str | None] = []
    costing = CostModel.costing

    def counted(model: CostModel, document: Any, name: str | None, variables: Any) -> Any:
        walks.append(name)
        return costing(model, document, name, variables)

    monkeypatch.setattr(CostModel, "costing", counted)
    memo, document = CostMemo(), parse(NESTED)
    for _ in range(3):
        assert memo.cost(inputs_of(sizes), document, None, {"offices": 2}) == nested_cost(2, 50)
    assert len(walks) == 1
    # Variables the walk does not read are not in the key; those it reads are, as it reads
    # them: another list of the same length is costed the same without a walk.
    nodes = parse(NODES)
    assert memo.cost(inputs_of(sizes), nodes, None, {"ids": ["a", "b"]}) == 2
    assert memo.cost(inputs_of(sizes), nodes, None, {"ids": ["c", "d"]}) == 2
    assert memo.cost(inputs_of(sizes), nodes, None, {"ids": ["c"]}) == 1
    assert len(walks) == 3


def test_each_dataset_version_has_its_own_cost(sizes: ListSizes) -> None:
    memo, document = CostMemo(), parse(NESTED)
    variables = {"offices": 100, "countries": 100}
    # Before any dataset is read (``resolvers.in_memory.EMPTY``), only the pages bound lists.
    before = ListSizes()
    assert memo.cost(inputs_of(before), document, None, variables) == 1 + 100 * (2 + 100)
    assert memo.cost(inputs_of(sizes), document, None, variables) == nested_cost(100, 100)
    # A version with the same lengths is another object: costed on its own.
    same = ListSizes(dict(sizes.sizes))
    assert memo.cost(inputs_of(same), document, None, variables) == nested_cost(100, 100)
    assert memo.walks == 3
    assert memo.cost(inputs_of(before), document, None, variables) == 1 + 100 * (2 + 100)
    assert memo.walks == 3


def test_the_memo_stays_within_its_bound_and_holds_no_document(sizes: ListSizes) -> None:
    memo = CostMemo(size=3)
    documents = [parse(f"{NESTED} fragment F{i} on Query {{ __typename }}") for i in range(5)]
    for document in documents:
        for offices in range(1, 6):
            variables = {"offices": offices, "countries": 2}
            assert memo.cost(inputs_of(sizes), document, None, variables) == nested_cost(offices, 2)
    assert (len(memo), len(memo._reads)) == (3, 3)
    assert memo.walks == 25
    memo.cost(inputs_of(sizes), documents[-1], None, {"offices": 5, "countries": 2})
    assert memo.walks == 25  # the most recent stayed
    memo.cost(inputs_of(sizes), documents[0], None, {"offices": 1, "countries": 2})
    assert memo.walks == 26  # the oldest left
    freed: weakref.ref[DocumentNode] = weakref.ref(documents[0])
    del documents[:]
    gc.collect()
    assert freed() is None


async def test_a_request_finds_the_cost_of_the_same_request(execute: Execute) -> None:
    dry_run = {"cost": {"dryRun": True}}

    async def requested(variables: dict[str, Any]) -> int:
        result = await execute(NESTED, variables, extensions=dry_run)
        assert result.errors is None
        assert result.extensions is not None
        return int(result.extensions["cost"]["requested"])

    assert await requested({"offices": 3, "countries": 4}) == nested_cost(3, 4)
    walks = COSTS.walks
    assert await requested({"offices": 3, "countries": 4}) == nested_cost(3, 4)
    assert COSTS.walks == walks
    assert await requested({"offices": 4, "countries": 3}) == nested_cost(4, 3)
    assert COSTS.walks == walks + 1
