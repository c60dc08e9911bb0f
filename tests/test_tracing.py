"""Opt-in tracing in-process, on SQLite and PostgreSQL: two spans per GraphQL request (the HTTP
server span and the operation inside it) with bounded attributes and never the query text,
the client's trace continued, and no span at all when tracing is off. ``server.py`` exporting
over OTLP/HTTP, in a real process: ``tests.test_tracing_export``."""

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import Engine
from starlette.testclient import TestClient

import service.responder
from service import create_app
from service.observability import JsonLogFormatter
from service.settings import Settings
from service.tracing import operation_type
from tests.app_client import BASE_URL
from tests.dataset_facts import example

FULL_TRAVERSAL = example("01-full-traversal")
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN_ID = "00f067aa0ba902b7"


@contextmanager
def traced_client(
    engine: Engine, **settings: object
) -> Iterator[tuple[TestClient, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, **settings), tracer_provider=provider)
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        exporter.clear()  # nothing from start-up
        yield client, exporter
    provider.shutdown()


@pytest.fixture
def traced(seeded_engine: Engine) -> Iterator[tuple[TestClient, InMemorySpanExporter]]:
    with traced_client(seeded_engine, tracing=True) as pair:
        yield pair


def by_name(spans: tuple[ReadableSpan, ...]) -> dict[str, ReadableSpan]:
    named = {span.name: span for span in spans}
    assert len(named) == len(spans), [span.name for span in spans]
    return named


def test_a_request_makes_a_server_span_and_an_operation_span(
    traced: tuple[TestClient, InMemorySpanExporter],
) -> None:
    client, exporter = traced
    for expected_cache in ("miss", "hit"):
        exporter.clear()
        response = client.post(
            "/graphql", json={"query": FULL_TRAVERSAL}, headers={"X-Request-ID": "trace-1"}
        )
        assert response.status_code == 200, response.text
        spans = by_name(exporter.get_finished_spans())
        assert sorted(spans) == ["POST /graphql", "query FullTraversal"]
        server, operation = spans["POST /graphql"], spans["query FullTraversal"]
        assert server.kind is SpanKind.SERVER
        assert dict(server.attributes or {}) == {
            "http.request.method": "POST",
            "url.path": "/graphql",
            "url.scheme": "http",
            "http.route": "/graphql",
            "http.response.status_code": 200,
            "iom_graph.request_id": "trace-1",
        }
        assert operation.kind is SpanKind.INTERNAL
        assert operation.parent is not None
        assert operation.parent.span_id == server.context.span_id
        assert operation.context.trace_id == server.context.trace_id
        # the full traversal: cost 4 620 (office lists are bounded by all 11 regional offices, in
        # force or not; an institution's offices by the 7 links of the European Union, the most
        # of any institution since the Global Office's, issue 23; each office's data-quality
        # notes), no SQL statement: the graph is read from memory
        assert dict(operation.attributes or {}) == {
            "graphql.operation.type": "query",
            "graphql.operation.name": "FullTraversal",
            "iom_graph.operation_label": "FullTraversal",
            "iom_graph.cache": expected_cache,
            "iom_graph.sql_statements": 0,
            "iom_graph.cost": 4620,
        }
        assert operation.status.status_code is StatusCode.UNSET


def test_no_attribute_holds_the_query_text(
    traced: tuple[TestClient, InMemorySpanExporter],
) -> None:
    client, exporter = traced
    query = '{ country(code: "KE") { name } }'
    response = client.get(f"/graphql?query={quote(query)}", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    spans = by_name(exporter.get_finished_spans())
    assert sorted(spans) == ["GET /graphql", "query"]
    values = [str(value) for span in spans.values() for value in (span.attributes or {}).values()]
    assert [value for value in values if "country" in value or "KE" in value] == []
    assert dict(spans["query"].attributes or {}) == {
        "graphql.operation.type": "query",
        "iom_graph.operation_label": "anonymous",
        "iom_graph.cache": "miss",
        "iom_graph.sql_statements": 0,  # the country and its office: from memory
        "iom_graph.cost": 1,
    }


def test_refused_operations_carry_their_error_code(
    traced: tuple[TestClient, InMemorySpanExporter],
) -> None:
    client, exporter = traced
    response = client.get(
        "/graphql",
        params={"query": "mutation M { __typename }"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 405, response.text
    operation = by_name(exporter.get_finished_spans())["mutation"]
    assert dict(operation.attributes or {}) == {
        # the client's own name on the span; "other" is only the bounded metric label
        "graphql.operation.type": "mutation",
        "graphql.operation.name": "M",
        "iom_graph.operation_label": "other",
        "iom_graph.cache": "miss",
        "iom_graph.sql_statements": 0,
        "iom_graph.error_codes": ("OPERATION_NOT_ALLOWED",),
    }
    assert operation.status.status_code is StatusCode.ERROR


def test_an_unexpected_failure_marks_both_spans(
    traced: tuple[TestClient, InMemorySpanExporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, exporter = traced

    def broken(*_args: object) -> object:
        raise RuntimeError("cache key failed")

    monkeypatch.setattr(service.responder, "response_key", broken)
    response = client.post("/graphql", json={"query": example("04-french-names")})
    assert response.status_code == 500
    spans = by_name(exporter.get_finished_spans())
    assert spans["query FrenchNames"].status.status_code is StatusCode.ERROR
    assert dict(spans["query FrenchNames"].attributes or {})["graphql.operation.name"] == (
        "FrenchNames"
    )
    assert spans["POST /graphql"].status.status_code is StatusCode.ERROR
    assert dict(spans["POST /graphql"].attributes or {})["http.response.status_code"] == 500


def test_the_clients_trace_is_continued_and_unknown_paths_keep_a_bounded_name(
    traced: tuple[TestClient, InMemorySpanExporter],
) -> None:
    client, exporter = traced
    traceparent = f"00-{TRACE_ID}-{PARENT_SPAN_ID}-01"
    assert client.get("/metrics", headers={"traceparent": traceparent}).status_code == 200
    assert client.get("/no/such/page/123").status_code == 404
    spans = by_name(exporter.get_finished_spans())
    assert sorted(spans) == ["GET", "GET /metrics"]
    health = spans["GET /metrics"]
    assert format(health.context.trace_id, "032x") == TRACE_ID
    assert health.parent is not None
    assert format(health.parent.span_id, "016x") == PARENT_SPAN_ID
    assert dict(spans["GET"].attributes or {})["url.path"] == "/no/such/page/123"
    assert "http.route" not in dict(spans["GET"].attributes or {})


def test_health_probes_are_not_traced(
    traced: tuple[TestClient, InMemorySpanExporter],
) -> None:
    client, exporter = traced
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert exporter.get_finished_spans() == ()


def test_log_lines_carry_the_trace_id_of_their_request(
    traced: tuple[TestClient, InMemorySpanExporter],
) -> None:
    client, exporter = traced
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonLogFormatter())
    access = logging.getLogger("iom_graph.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        response = client.post("/graphql", json={"query": example("04-french-names")})
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    assert response.status_code == 200
    server = by_name(exporter.get_finished_spans())["POST /graphql"]
    (line,) = [json.loads(text) for text in lines.getvalue().splitlines()]
    assert line["trace_id"] == format(server.context.trace_id, "032x")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


def test_no_span_when_tracing_is_off(seeded_engine: Engine) -> None:
    with traced_client(seeded_engine, tracing=False) as (client, exporter):
        assert client.post("/graphql", json={"query": FULL_TRAVERSAL}).status_code == 200
        assert exporter.get_finished_spans() == ()


@pytest.mark.parametrize(
    ("document", "name", "expected"),
    [
        ("{ organisation { slug } }", "anonymous", "query"),
        ("# mutation M\nquery Q { __typename }", "anonymous", "query"),
        ("query A { a: __typename } mutation B { __typename }", "B", "mutation"),
        ("subscription S { x }", "S", "subscription"),
        ("fragment F on Query { __typename }", "anonymous", None),
        ("query A { __typename }", "Missing", None),
        (None, "anonymous", None),
    ],
)
def test_the_operation_type_is_read_from_the_document(
    document: str | None, name: str, expected: str | None
) -> None:
    assert operation_type(document, name) == expected
