"""The plan hands a resolver that reads only ``info.context`` that context without building
graphql-core's resolve info (``schema.execution.info``); a resolver that reads more gets the
real info, built once, at the field's exact path."""

from typing import Any

import pytest
from graphql.pyutils import Path
from sqlalchemy import Engine

from schema.execution.fields import FieldPlanning
from schema.execution.info import DeferredInfo
from schema.execution.outcome import PlanRecord
from tests.test_planned_execution import run

PAGE = """{ countries(orderBy: {field: ALPHA3, direction: DESC}, first: 2) {
  nodes { alpha3 name shortName regionalOffice { slug name } } } }"""
# ``_entities`` reads ``info.path.key`` (its response name, here an alias).
ENTITIES = """{ found: _entities(representations: [{__typename: "Country", alpha3: "KEN"}]) {
  ... on Country { alpha3 name } } }"""
PRETORIA = {"slug": "pretoria", "name": "IOM Regional Office for Southern Africa"}
NO_SHORT_NAME = {"shortName": None, "regionalOffice": PRETORIA}


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[list[str | int]]:
    """The path of each resolve info the plan builds."""
    paths: list[list[str | int]] = []
    real = FieldPlanning.build_resolve_info

    def counting(self: FieldPlanning, field_def: Any, nodes: Any, parent: Any, path: Path) -> Any:
        paths.append(path.as_list())
        return real(self, field_def, nodes, parent, path)

    monkeypatch.setattr(FieldPlanning, "build_resolve_info", counting)
    return paths


PAGE_DATA = {
    "countries": {
        "nodes": [
            {"alpha3": "ZWE", "name": "Zimbabwe", **NO_SHORT_NAME},
            {"alpha3": "ZMB", "name": "Zambia", **NO_SHORT_NAME},
        ]
    }
}


@pytest.mark.parametrize(
    ("query", "data", "infos_built"),
    [
        # text and edge fields read only the context: no info is built
        (PAGE, PAGE_DATA, []),
        # a resolver reading its path gets the real info, at that path
        (ENTITIES, {"found": [{"alpha3": "KEN", "name": "Kenya"}]}, [["found"]]),
    ],
    ids=["text-and-edge-fields", "entities-path"],
)
def test_an_info_is_built_only_for_a_resolver_reading_past_the_context(
    seeded_engine: Engine,
    built: list[list[str | int]],
    query: str,
    data: dict[str, Any],
    infos_built: list[list[str]],
) -> None:
    result, plan = run(seeded_engine, query)
    assert result.errors is None
    assert plan == PlanRecord(answered=1, fallback=None)
    assert result.data == data
    assert built == infos_built


class _Execution:
    context_value = "the request's context"


def test_the_real_info_is_built_once_on_the_first_read_past_the_context() -> None:
    calls: list[Path] = []
    path = Path(None, "countries", "Query")

    def build(execution: Any, at: Path) -> Any:
        calls.append(at)
        return type("Built", (), {"path": at, "field_name": "countries"})()

    info: Any = DeferredInfo(_Execution(), build, path)
    assert info.context == "the request's context"
    assert calls == []
    assert (info.field_name, info.path) == ("countries", path)
    assert info.path is path
    assert calls == [path]
    with pytest.raises(AttributeError):
        _ = info.no_such_attribute
