"""What an operator sees: JSON logs, request ids, and the Prometheus metrics of one app.

Metric labels are a bounded set: a client chooses its operation names, so only the names
``OperationLabels`` knows become label values (every other one is ``other``); the access
log keeps the client's own name.
"""

import itertools
import logging
import logging.config
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import orjson
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.types import Scope

from service.metric_batches import Batches, has_internals
from service.plan_metrics import PlanMetrics

access_logger = logging.getLogger("iom_graph.access")

# Generated request ids: random per process, then a counter (unique across replicas, and
# cheaper than a uuid4 per request).
_PROCESS_ID = secrets.token_hex(6)
_REQUEST_COUNTER = itertools.count(1)


def new_request_id() -> str:
    return f"{_PROCESS_ID}-{next(_REQUEST_COUNTER):x}"


def request_id_of(scope: Scope) -> str:
    """The request id ``service.middleware`` gave a request ("" outside the service layer)."""
    state: dict[str, Any] = scope.get("state") or {}
    return str(state.get("request_id", ""))


@dataclass
class RequestOutcome:
    """What the access log, the metrics and the trace record about one GraphQL request."""

    operation_name: str = "anonymous"
    outcome: str = "ok"
    statements: int = 0
    error_codes: list[str] = field(default_factory=list)
    # Why a complete result was not stored in the response cache, when it was not.
    not_cached: str | None = None
    persisted: bool = False  # the document came from the persisted-query store
    cache: str = "off"  # the response cache: "hit", "miss" or "off"
    cost: int | None = None  # the operation's requested cost, once known
    document: str | None = None  # the document run (the trace reads its operation type)
    planned: bool = False  # the planned executor answered the operation
    plan_fallback: str | None = None  # why it stopped and graphql-core answered, if it did


# Label values the endpoint itself sets (never a client's name).
FIXED_OPERATION_LABELS = frozenset({"anonymous", "invalid", "graphiql"})
OTHER_OPERATION = "other"
# Names of persisted queries admitted as labels, per process: persisted queries are
# registered by clients (APQ), so their names are bounded too.
MAX_PERSISTED_OPERATION_LABELS = 50


class OperationLabels:
    """The bounded set of ``operation`` label values: the fixed ones, the names of the
    GraphiQL examples, and the names of the first ``cap`` persisted queries that ran
    successfully; any other name is ``other``."""

    def __init__(self, known: Iterable[str], cap: int = MAX_PERSISTED_OPERATION_LABELS) -> None:
        self.known = FIXED_OPERATION_LABELS | frozenset(known)
        self.cap = cap
        self.persisted: set[str] = set()

    def label(self, outcome: RequestOutcome, admit: bool = True) -> str:
        """The label of ``outcome``'s operation; with ``admit``, a persisted query that
        succeeded may take one of the free places."""
        name = outcome.operation_name
        if name in self.known or name in self.persisted:
            return name
        succeeded = outcome.outcome in ("ok", "cached") and not outcome.error_codes
        if admit and outcome.persisted and succeeded and len(self.persisted) < self.cap:
            self.persisted.add(name)
            return name
        return OTHER_OPERATION


def _no_trace_id() -> str | None:
    return None


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: UTC time to the millisecond, level, logger, message, the
    current trace id when tracing is on, and the ``extra=`` fields (uvicorn's terminal-only
    ``color_message`` left out)."""

    _standard: ClassVar[set[str]] = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
        "color_message"
    }
    # Set by ``service.tracing`` when tracing is on: the trace id of the current span.
    trace_id: ClassVar[Callable[[], str | None]] = staticmethod(_no_trace_id)

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        trace_id = JsonLogFormatter.trace_id()
        if trace_id is not None:
            entry["trace_id"] = trace_id
        entry.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def log_config(level: str) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of the process: JSON lines on stdout for the
    service's loggers and uvicorn's (which uvicorn would otherwise write as text).
    ``server.py`` hands it to uvicorn, which applies it in every worker."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}
    own = {"handlers": ["stdout"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLogFormatter}},
        "handlers": {"stdout": handler},
        "loggers": {
            "iom_graph": {**own, "level": level.upper()},
            "uvicorn": {**own, "level": level.upper()},
            "uvicorn.error": {"level": level.upper()},
            # The service writes its own access line (iom_graph.access, with the request id
            # and the operation); uvicorn's would repeat it without them.
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


def configure_logging(level: str) -> None:
    """Apply ``log_config`` (under ``uvicorn server:app`` this runs after uvicorn configured
    its loggers as text, and replaces that).

    A record's thread, process and source location are never written (``JsonLogFormatter``
    leaves them out), so the logging module's documented optimisations stop gathering them:
    finding the caller walked the stack on every record, and with the rest it was about a
    tenth of a small query's CPU (py-spy, the access line of each request)."""
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging.config.dictConfig(log_config(level))


def multiprocess_dir() -> str | None:
    """prometheus-client's multiprocess directory, when it is in multiprocess mode.

    Not a setting: prometheus-client reads ``PROMETHEUS_MULTIPROC_DIR`` itself, once, when
    it is imported (``server.py`` sets it for its workers), and this must agree with it.
    """
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """Prometheus metrics of one app (own registry, so several apps can live in one process).

    ``exposed`` is what ``/metrics`` serves: this app's registry with the process, platform
    and garbage-collector collectors; or, in multiprocess mode (several workers), the sum
    of every worker's files in ``multiprocess_dir`` with the platform collector (a process
    or GC collector would describe only the worker that happens to answer the scrape).
    """

    def __init__(
        self, known_operations: Iterable[str] = (), multiprocess_dir: str | None = None
    ) -> None:
        self.registry = CollectorRegistry()
        self.batches = Batches()  # first: what is pending is applied before any collection
        self.registry.register(self.batches)
        self.multiprocess_dir = multiprocess_dir
        self.labels = OperationLabels(known_operations)
        self.requests = Counter(
            "iom_graph_requests",
            "GraphQL requests by operation name and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "iom_graph_request_duration_seconds",
            "GraphQL request latency.",
            ["operation"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.statements = Histogram(
            "iom_graph_sql_statements_per_request",
            "SQL statements run by one GraphQL request.",
            registry=self.registry,
            buckets=(0, 1, 2, 4, 8, 12, 16, 24, 32, 64, 128),
        )
        self.not_cached = Counter(
            "iom_graph_responses_not_cached",
            "Complete results not stored in the response cache, by reason. "
            "dataset_version_moved: the watcher reported another version than the request's "
            "dataset by the time it was answered; expected briefly around a load, an alarm "
            "when it persists.",
            ["reason"],
            registry=self.registry,
        )
        self.plan = PlanMetrics(self.registry)
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.dataset = Gauge(
            "iom_graph_dataset_info",
            "The loaded dataset version (label), 1 while a live worker serves it.",
            ["version"],
            registry=self.registry,
            multiprocess_mode="livemax",
        )
        self._dataset_version: str | None = None
        if multiprocess_dir is None:
            self.exposed = self.registry
            ProcessCollector(registry=self.exposed)
            GCCollector(registry=self.exposed)
        else:
            self.exposed = CollectorRegistry()
            self.exposed.register(self.batches)  # this worker's own, before the files are read
            MultiProcessCollector(self.exposed, path=multiprocess_dir)  # type: ignore[no-untyped-call]
        PlatformCollector(registry=self.exposed)
        batched = has_internals(self.statements)
        self.batches.bind(self.statements, self.plan, self.not_cached, batched)

    def observe(self, outcome: RequestOutcome, duration: float) -> None:
        """Count one GraphQL request (label children looked up once per label pair), applied
        with the others of this event-loop iteration (``service.metric_batches``)."""
        operation = self.labels.label(outcome)
        key = (operation, outcome.outcome)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(*key),
                self.latency.labels(operation),
            )
        self.batches.add(children[0], children[1], duration, outcome)

    def dataset_loaded(self, version: str | None) -> None:
        version = version or "none"
        previous, self._dataset_version = self._dataset_version, version
        if previous is not None and previous != version:
            if self.multiprocess_dir is None:
                self.dataset.remove(previous)
            else:  # a label cannot be removed from the workers' files: it drops to 0
                self.dataset.labels(previous).set(0)
        self.dataset.labels(version).set(1)

    def process_stopped(self) -> None:
        """This worker stops: its live gauges leave the multiprocess sum."""
        if self.multiprocess_dir is not None:
            mark_process_dead(os.getpid(), self.multiprocess_dir)  # type: ignore[no-untyped-call]


def log_access(
    request_id: str,
    scope: Scope,
    status: int,
    duration: float,
    outcome: RequestOutcome | None,
) -> None:
    """One access-log line (built only when it will be written); never the query text."""
    if not access_logger.isEnabledFor(logging.INFO):
        return
    entry: dict[str, Any] = {
        "request_id": request_id,
        "method": scope["method"],
        "path": scope["path"],
        "status": status,
        "duration_ms": round(duration * 1000, 2),
    }
    if outcome is not None:
        entry.update(
            operation=outcome.operation_name,
            outcome=outcome.outcome,
            sql_statements=outcome.statements,
            error_codes=outcome.error_codes,
        )
        if outcome.not_cached is not None:
            entry["not_cached"] = outcome.not_cached
    access_logger.info("request", extra=entry)
