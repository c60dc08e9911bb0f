"""The planned executor (``schema.execution``) runs where it should, says when it does not,
and can be turned off: plan answers counted on the nested query of the PostGraphile
comparison (equal answers alone would not show that the plan ran), fall-backs by reason on the
context and in ``/metrics``, the setting, and a release missing a name the plan uses."""

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import schema.execution as execution
from benchmark.peer_queries import NESTED_IOM_GRAPH
from resolvers.database import Database
from resolvers.in_memory import read_in_memory
from schema import build_schema
from schema.context import Context
from schema.execution import (
    FallbackReason,
    PlannedExecutionContext,
    PlanRecord,
    PlanState,
    internals,
)
from tests.app_client import serve_in_process
from tests.conftest import DEFAULT_SCHEMA
from tests.dataset_facts import SEVEN

BAD_OFFICE = 'query { countries(filter: {offices: ["nowhere"]}) { totalCount } }'
INTROSPECTION = "{ __schema { queryType { name } } }"


def run(engine: Engine, query: str, executable: Any = DEFAULT_SCHEMA) -> tuple[Any, PlanRecord]:
    """The result of ``query`` and what the plan did with it."""
    database = Database(engine)
    dataset = read_in_memory(database)

    async def go() -> tuple[Any, PlanRecord]:
        context = Context(db=database, dataset=dataset, request_id="plan")
        result = await executable.execute(query, context_value=context)
        return result, context.plan

    return asyncio.run(go())


def test_the_plan_answers_the_nested_query(seeded_engine: Engine) -> None:
    result, plan = run(seeded_engine, NESTED_IOM_GRAPH)
    assert result.errors is None
    offices = result.data["organisation"]["regionalOffices"]["nodes"]
    assert sorted(o["slug"] for o in offices) == sorted(SEVEN)
    assert plan == PlanRecord(answered=1, fallback=None)


def test_the_standard_execution_leaves_the_plan_record_untouched(seeded_engine: Engine) -> None:
    standard = build_schema(planned=False)
    assert standard.plan_state is PlanState.OFF_SETTING
    assert standard.execution_context_class is StrawberryGraphQLCoreExecutionContext
    planned_result, _ = run(seeded_engine, NESTED_IOM_GRAPH)
    result, plan = run(seeded_engine, NESTED_IOM_GRAPH, standard)
    assert result.data == planned_result.data
    assert plan == PlanRecord(answered=0, fallback=None)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (INTROSPECTION, FallbackReason.INTROSPECTION),
        (BAD_OFFICE, FallbackReason.RESOLVER_ERROR),
    ],
)
def test_a_fall_back_is_recorded_with_its_reason(
    seeded_engine: Engine, query: str, reason: FallbackReason
) -> None:
    result, plan = run(seeded_engine, query)
    assert plan == PlanRecord(answered=0, fallback=reason)
    if reason is FallbackReason.INTROSPECTION:
        assert result.data == {"__schema": {"queryType": {"name": "Query"}}}
    else:
        assert result.data == {"countries": None}  # a bad argument nulls its root field only
        assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


def metric(client: TestClient, name: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split(" ")[1])
    raise AssertionError(f"{name} not in /metrics")


def test_metrics_count_plan_answers_and_fall_backs_by_reason(seeded_engine: Engine) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    with serve_in_process(url, response_cache_bytes=0) as client:
        assert metric(client, 'iom_graph_planned_execution{state="on"}') == 1
        assert metric(client, 'iom_graph_planned_execution{state="off_setting"}') == 0
        for query in (NESTED_IOM_GRAPH, INTROSPECTION, INTROSPECTION, BAD_OFFICE):
            assert client.post("/graphql", json={"query": query}).status_code == 200
        assert metric(client, "iom_graph_plan_answers_total") == 1
        fallbacks = 'iom_graph_plan_fallbacks_total{reason="%s"}'
        assert metric(client, fallbacks % "introspection") == 2
        assert metric(client, fallbacks % "resolver_error") == 1
        assert metric(client, fallbacks % "awaitable") == 0


def test_the_setting_turns_the_plan_off(seeded_engine: Engine) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    with serve_in_process(url, response_cache_bytes=0, planned_execution=False) as client:
        assert metric(client, 'iom_graph_planned_execution{state="off_setting"}') == 1
        assert metric(client, 'iom_graph_planned_execution{state="on"}') == 0
        response = client.post("/graphql", json={"query": NESTED_IOM_GRAPH})
        assert response.status_code == 200
        offices = response.json()["data"]["organisation"]["regionalOffices"]["nodes"]
        assert sorted(o["slug"] for o in offices) == sorted(SEVEN)
        assert metric(client, "iom_graph_plan_answers_total") == 0


def test_every_internal_name_is_there_today() -> None:
    assert internals.missing() == []
    assert DEFAULT_SCHEMA.plan_state is PlanState.ON
    assert DEFAULT_SCHEMA.execution_context_class is PlannedExecutionContext


def test_a_missing_internal_name_turns_the_plan_off_with_one_error_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="iom_graph.execution")
    monkeypatch.setattr(internals, "_MISSING", ["graphql.execution.executor.to_nodes"])
    execution._missing_logged.cache_clear()
    try:
        first, second = build_schema(), build_schema()
    finally:
        monkeypatch.undo()
        execution._missing_logged.cache_clear()
    for executable in (first, second):
        assert executable.plan_state is PlanState.OFF_MISSING_INTERNALS
        assert executable.execution_context_class is StrawberryGraphQLCoreExecutionContext
    assert [r.getMessage() for r in caplog.records] == [
        "planned execution off: graphql-core or strawberry lacks "
        "graphql.execution.executor.to_nodes"
    ]
    assert build_schema().plan_state is PlanState.ON


def test_a_changed_method_signature_is_a_missing_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def renamed(self: Any, root_type: Any, root_value: Any, fields: Any, serially: Any) -> Any:
        raise AssertionError("never called")

    monkeypatch.setattr(
        internals.StrawberryContext, "execute_root_grouped_field_set", renamed, raising=True
    )
    assert internals.missing() == [
        "Executor.execute_root_grouped_field_set"
        "('self', 'root_type', 'root_value', 'grouped_field_set', 'serially', "
        "'position_context')"
    ]
