"""The metrics of the planned executor (``schema/execution/README.md``), part of an app's
``service.observability.Metrics``."""

from prometheus_client import CollectorRegistry, Counter, Gauge

from schema.execution import FallbackReason, PlanState


class PlanMetrics:
    """What the planned executor did (``schema/execution/README.md``): operations it answered,
    fall-backs to graphql-core by reason, and whether it is on."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.plan_answers = Counter(
            "iom_graph_plan_answers",
            "Operations the planned executor answered (schema/execution/README.md).",
            registry=registry,
        )
        self.plan_fallbacks = Counter(
            "iom_graph_plan_fallbacks",
            "Operations the planned executor stopped on, by reason; graphql-core answered.",
            ["reason"],
            registry=registry,
        )
        for reason in FallbackReason:  # every reason shows, from 0
            self.plan_fallbacks.labels(reason.value)
        self.planned_execution = Gauge(
            "iom_graph_planned_execution",
            "1 for the state of planned execution: on, off_setting (IOM_GRAPH_PLANNED_EXECUTION"
            "=false), off_missing_internals (graphql-core or strawberry lacks a name it uses).",
            ["state"],
            registry=registry,
            multiprocess_mode="livemax",
        )

    def fallback(self, reason: str) -> None:
        """Count an operation the planned executor stopped on (its answers are counted with
        the request's other metrics: ``service.metric_batches``)."""
        self.plan_fallbacks.labels(reason).inc()

    def state(self, state: str) -> None:
        """Planned execution's state (``schema.execution.PlanState``): 1 for it, 0 others."""
        for known in PlanState:
            self.planned_execution.labels(known.value).set(int(known.value == state))
