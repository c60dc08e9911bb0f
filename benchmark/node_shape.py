"""The "50 nodes by ID" shape (``benchmark.shapes``): each server's query built from its own IDs."""

from collections.abc import Mapping
from typing import Any

import orjson

from benchmark.client import ask
from benchmark.peer_queries import COUNTRY_FIELDS as COUNTRY
from benchmark.peer_queries import Tree

# 50 countries by their global IDs: iom-graph's ``nodes(ids:)``, PostGraphile's ``node(id:)``
# 50 times by alias (it has no plural lookup). Each server's IDs are its own (opaque, in different
# formats), so each query is built from that server's IDs of the first 50 countries by alpha-3;
# the IDs are not compared, the countries they resolve to are, in order.
NODE_COUNT = 50
_NODE_FIELDS = f"__typename ... on Country {{ {COUNTRY} }}"


def iom_graph_query(base_url: str) -> str:
    query = (
        f"{{ countries(orderBy: {{ field: ALPHA3 }}, first: {NODE_COUNT}) {{ nodes {{ id }} }} }}"
    )
    ids = [node["id"] for node in ask(base_url, query)["countries"]["nodes"]]
    return f"query NodesById {{ nodes(ids: {orjson.dumps(ids).decode()}) {{ {_NODE_FIELDS} }} }}"


def postgraphile_query(base_url: str) -> str:
    query = f"{{ allCountries(orderBy: ALPHA3_ASC, first: {NODE_COUNT}) {{ nodes {{ id }} }} }}"
    ids = [node["id"] for node in ask(base_url, query)["allCountries"]["nodes"]]
    lookups = " ".join(
        f"n{index}: node(id: {orjson.dumps(node_id).decode()}) {{ {_NODE_FIELDS} }}"
        for index, node_id in enumerate(ids)
    )
    return f"query NodesById {{ {lookups} }}"


def iom_graph_tree(data: Mapping[str, Any]) -> Tree:
    return {"nodes": list(data["nodes"])}


def postgraphile_tree(data: Mapping[str, Any]) -> Tree:
    """The aliased lookups in their order (``n0``, ``n1``...), as iom-graph's list."""
    return {"nodes": [data[f"n{index}"] for index in range(len(data))]}
