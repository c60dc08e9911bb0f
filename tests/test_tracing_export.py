"""Tracing exported by a real process: ``server.py`` sends its spans over OTLP/HTTP where the
standard ``OTEL_*`` variables say (in-process tracing: ``tests.test_tracing``)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.dataset_facts import example
from tests.live_server import start_server

EXPORT_TIMEOUT = 15.0


class OtlpSink(ThreadingHTTPServer):
    """A loopback OTLP/HTTP receiver: keeps every request to ``/v1/traces``."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _OtlpHandler)
        self.exports: list[ExportTraceServiceRequest] = []

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _OtlpHandler(BaseHTTPRequestHandler):
    server: OtlpSink

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        if self.path == "/v1/traces":
            self.server.exports.append(ExportTraceServiceRequest.FromString(body))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def test_server_py_exports_over_otlp_as_the_otel_variables_say(tmp_path: Path) -> None:
    sink = OtlpSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    env = {
        "IOM_GRAPH_TRACING": "true",
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink.endpoint,
        "OTEL_SERVICE_NAME": "iom-graph-test",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    try:
        with start_server(f"sqlite:///{tmp_path / 'otlp.sqlite3'}", env) as base_url:
            query = {"query": example("04-french-names")}
            assert httpx.post(f"{base_url}/graphql", json=query).status_code == 200
            deadline = time.monotonic() + EXPORT_TIMEOUT
            while not _span_names(sink) >= {"POST /graphql"} and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        sink.shutdown()
        sink.server_close()
    spans = {
        span.name: (resource_spans.resource, span)
        for export in sink.exports
        for resource_spans in export.resource_spans
        for scope_spans in resource_spans.scope_spans
        for span in scope_spans.spans
    }
    resource, operation = spans["query FrenchNames"]
    service_names = [a.value.string_value for a in resource.attributes if a.key == "service.name"]
    assert service_names == ["iom-graph-test"]
    assert {a.key: a.value.string_value for a in operation.attributes if a.value.string_value} == {
        "graphql.operation.type": "query",
        "graphql.operation.name": "FrenchNames",
        "iom_graph.operation_label": "FrenchNames",
        "iom_graph.cache": "miss",
    }


def _span_names(sink: OtlpSink) -> set[str]:
    return {
        span.name
        for export in list(sink.exports)
        for resource_spans in export.resource_spans
        for scope_spans in resource_spans.scope_spans
        for span in scope_spans.spans
    }
