"""What an operator sees: JSON logs, request ids, and the Prometheus metrics of one app."""

import itertools
import json
import logging
import secrets
import sys
from dataclasses import dataclass, field
from typing import Any, ClassVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import Scope

access_logger = logging.getLogger("iom_graph.access")

# Generated request ids: random per process, then a counter (unique across replicas, and
# cheaper than a uuid4 per request).
_PROCESS_ID = secrets.token_hex(6)
_REQUEST_COUNTER = itertools.count(1)


def new_request_id() -> str:
    return f"{_PROCESS_ID}-{next(_REQUEST_COUNTER):x}"


@dataclass
class RequestOutcome:
    """What the access log and the metrics record about one GraphQL request."""

    operation_name: str = "anonymous"
    outcome: str = "ok"
    statements: int = 0
    error_codes: list[str] = field(default_factory=list)
    # Why a complete result was not stored in the response cache, when it was not.
    not_cached: str | None = None


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line; ``extra=`` fields are kept."""

    _standard: ClassVar[set[str]] = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)))

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger("iom_graph")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


class Metrics:
    """Prometheus metrics of one app (own registry, so several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
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
            "dataset_version_moved: the request's snapshot read another version than the "
            "watcher reports; expected briefly around a load, an alarm when it persists.",
            ["reason"],
            registry=self.registry,
        )
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.dataset = Gauge(
            "iom_graph_dataset_info",
            "The loaded dataset version (label), always 1.",
            ["version"],
            registry=self.registry,
        )

    def observe(self, outcome: RequestOutcome, duration: float) -> None:
        """Count one GraphQL request (label children are looked up once per label pair)."""
        key = (outcome.operation_name, outcome.outcome)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(*key),
                self.latency.labels(outcome.operation_name),
            )
        children[0].inc()
        children[1].observe(duration)
        self.statements.observe(outcome.statements)
        if outcome.not_cached is not None:
            self.not_cached.labels(outcome.not_cached).inc()

    def dataset_loaded(self, version: str | None) -> None:
        self.dataset.clear()
        self.dataset.labels(version or "none").set(1)


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
