"""Opt-in OpenTelemetry tracing (``IOM_GRAPH_TRACING=true``, with the ``tracing`` extra).

Two spans per GraphQL request and no more: the server span of the HTTP request
(``RequestSpans``, the outermost middleware) and, inside it, the span of the GraphQL
operation (``Tracing.operation``, around the endpoint's answer: persisted-query lookup,
response cache, execution). strawberry's ``OpenTelemetryExtension`` makes one span per
resolved field instead (726 for the full traversal) and triples its time.

The operation span is named and described as OpenTelemetry's GraphQL conventions say: its
type and name (``query FullTraversal``; the name only when it is one of the bounded metric
labels, so span names stay a bounded set), ``graphql.operation.type``, and the client's own
``graphql.operation.name`` (a GraphQL name of at most 64 characters: ``request.operation_label``).
The other attributes are bounded values: the metric label, the cost, the cache outcome, the
SQL statement count and error codes; never the query text, the variables or the URL's query
string (which holds the query on GET). ``/healthz`` and ``/readyz`` are not traced: probes
every few seconds would drown the requests people trace.

Only this module imports OpenTelemetry, and only when tracing is on: the service runs
without the extra installed.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from starlette.types import ASGIApp, Message, Receive, Scope, Send

try:
    from opentelemetry import propagate, trace
    from opentelemetry.trace import SpanKind, StatusCode, TracerProvider
except ModuleNotFoundError as missing:
    raise RuntimeError(
        "IOM_GRAPH_TRACING=true needs OpenTelemetry: pip install 'iom-graph[tracing]'"
    ) from missing

from service.observability import (
    FIXED_OPERATION_LABELS,
    OTHER_OPERATION,
    JsonLogFormatter,
    OperationLabels,
    RequestOutcome,
)
from service.request import HTTPError

TRACER_NAME = "iom_graph"
OPERATION_SPAN = "GraphQL Operation"  # OpenTelemetry's name when the type is not known
SERVICE_NAME = "iom-graph"  # unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES name one
FLUSH_TIMEOUT_MILLIS = 2_000
MAX_PATH_ATTRIBUTE = 200  # url.path is the client's: kept, but cut
UNTRACED_PATHS = frozenset({"/healthz", "/readyz"})
_COMMENT = re.compile(r"#[^\n\r]*")
_OPERATION_KEYWORD = re.compile(r"^\s*(query|mutation|subscription)\b")


def operation_type(document: str | None, name: str) -> str | None:
    """``query``, ``mutation`` or ``subscription``: the keyword before the operation named
    ``name`` (or of the document's first operation; a document opening with ``{`` is a
    query). Read from the text's first 4 000 characters as the span ends, rather than
    parsed again; None when they do not say."""
    return None if document is None else _operation_type(document[:4000], name)


# Keyed by at most 4 000 characters: 256 entries hold at most about 1 MB of text.
@lru_cache(maxsize=256)
def _operation_type(head: str, name: str) -> str | None:
    text = _COMMENT.sub("", head)
    if name not in FIXED_OPERATION_LABELS:
        named = re.search(rf"\b(query|mutation|subscription)\s+{re.escape(name)}\b", text)
        return named.group(1) if named else None
    if text.lstrip().startswith("{"):
        return "query"
    keyword = _OPERATION_KEYWORD.match(text)
    return keyword.group(1) if keyword else None


def current_trace_id() -> str | None:
    """The trace id of the current span, as log lines carry it (32 hex digits)."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def install_otlp_provider() -> TracerProvider:
    """The process's SDK tracer provider, exporting over OTLP/HTTP in batches (created and
    made global on first call). Configured by the standard variables: the exporter by
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, ``_HEADERS``,
    ``_TIMEOUT``; sampling by ``OTEL_TRACES_SAMPLER(_ARG)``; batching by ``OTEL_BSP_*``;
    the resource by ``OTEL_SERVICE_NAME`` and ``OTEL_RESOURCE_ATTRIBUTES``.
    ``OTEL_TRACES_EXPORTER=none`` makes and drops the spans (to measure their cost).
    """
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    current = trace.get_tracer_provider()
    if isinstance(current, SdkTracerProvider):
        return current
    resource = Resource.create()
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": SERVICE_NAME}))
    provider = SdkTracerProvider(resource=resource)
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower()
    if exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    elif exporter != "none":
        raise ValueError(f"OTEL_TRACES_EXPORTER={exporter!r}: iom-graph exports 'otlp' or 'none'")
    trace.set_tracer_provider(provider)
    return provider


class Tracing:
    """The spans of one app, made by ``provider``'s tracer."""

    def __init__(self, provider: TracerProvider, labels: OperationLabels) -> None:
        self.provider = provider
        self.tracer = provider.get_tracer(TRACER_NAME)
        self.labels = labels
        JsonLogFormatter.trace_id = staticmethod(current_trace_id)

    @contextmanager
    def operation(self, outcome: RequestOutcome) -> Iterator[None]:
        """The span of one GraphQL operation; its attributes are read from ``outcome`` as
        the operation ends."""
        with self.tracer.start_as_current_span(
            OPERATION_SPAN, record_exception=False, set_status_on_exception=False
        ) as span:
            refused: HTTPError | None = None
            failed = False
            try:
                yield
            except HTTPError as error:
                refused = error
                raise
            except BaseException:
                failed = True  # the endpoint answers 500 (or the middleware a 413)
                raise
            finally:
                codes = [refused.code.value] if refused is not None else outcome.error_codes
                admit = refused is None and not failed
                label = self.labels.label(outcome, admit)
                name = outcome.operation_name
                kind = operation_type(outcome.document, name)
                if kind is not None:
                    span.set_attribute("graphql.operation.type", kind)
                    named = label not in FIXED_OPERATION_LABELS and label != OTHER_OPERATION
                    span.update_name(f"{kind} {label}" if named else kind)
                if name not in FIXED_OPERATION_LABELS:
                    span.set_attribute("graphql.operation.name", name)
                span.set_attribute("iom_graph.operation_label", label)
                span.set_attribute("iom_graph.cache", outcome.cache)
                span.set_attribute("iom_graph.sql_statements", outcome.statements)
                if outcome.cost is not None:
                    span.set_attribute("iom_graph.cost", outcome.cost)
                if codes:
                    span.set_attribute("iom_graph.error_codes", codes)
                if codes or failed:
                    span.set_status(StatusCode.ERROR)

    def flush(self) -> None:
        """Export what is buffered (at shutdown: uvicorn ends on a re-raised SIGTERM, so no
        exit handler runs)."""
        force_flush = getattr(self.provider, "force_flush", None)
        if force_flush is not None:
            force_flush(FLUSH_TIMEOUT_MILLIS)


class RequestSpans:
    """The server span of every HTTP request, continuing the client's trace when it sends
    a ``traceparent``. Its name is the method and the route; unknown paths get the method
    alone, so span names stay a bounded set."""

    def __init__(self, app: ASGIApp, tracing: Tracing, routes: frozenset[str]) -> None:
        self.app, self.tracing, self.routes = app, tracing, routes
        self.fields = {name.encode("latin-1") for name in propagate.get_global_textmap().fields}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNTRACED_PATHS:
            await self.app(scope, receive, send)
            return
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in self.fields
        }
        method, path = scope["method"], scope["path"]
        route = path if path in self.routes else None
        attributes: dict[str, str] = {
            "http.request.method": method,
            "url.path": path[:MAX_PATH_ATTRIBUTE],
            "url.scheme": scope.get("scheme", "http"),
        }
        if route is not None:
            attributes["http.route"] = route
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with self.tracing.tracer.start_as_current_span(
            f"{method} {route}" if route else method,
            context=propagate.extract(carrier) if carrier else None,
            kind=SpanKind.SERVER,
            attributes=attributes,
        ) as span:
            try:
                await self.app(scope, receive, send_with_status)
            finally:
                span.set_attribute("http.response.status_code", status)
                request_id = scope.get("state", {}).get("request_id")
                if request_id:
                    span.set_attribute("iom_graph.request_id", request_id)
                if status >= 500:
                    span.set_status(StatusCode.ERROR)
