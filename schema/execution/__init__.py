"""Planned execution: graphql-core's execution through a plan of the operation, lean
resolvers, and the data-stack chunk filler (``schema/execution/README.md``).

``plan_state`` decides once, at start, whether the service executes this way: the setting
(``IOM_GRAPH_PLANNED_EXECUTION``) and the names of graphql-core and strawberry the plan uses
(``internals.missing``). When a name is missing, the plan is turned off with one ERROR log
line, and the service runs strawberry's standard execution.
"""

import logging
from enum import StrEnum
from functools import cache

from schema.execution import internals
from schema.execution.outcome import FallbackReason, PlanRecord, PlanStoppedError
from schema.execution.planner import PlannedExecutionContext

__all__ = [
    "FallbackReason",
    "PlanRecord",
    "PlanState",
    "PlanStoppedError",
    "PlannedExecutionContext",
    "plan_state",
]

logger = logging.getLogger("iom_graph.execution")


class PlanState(StrEnum):
    """Whether the service executes operations by the plan (``iom_graph_planned_execution``)."""

    ON = "on"
    OFF_SETTING = "off_setting"  # IOM_GRAPH_PLANNED_EXECUTION=false
    OFF_MISSING_INTERNALS = "off_missing_internals"  # a release renamed what the plan uses


@cache
def _missing_logged() -> tuple[str, ...]:
    """The missing names, logged once per process (one ERROR line)."""
    missing = tuple(internals.missing())
    if missing:
        logger.error(
            "planned execution off: graphql-core or strawberry lacks %s",
            ", ".join(missing),
            extra={"missing": list(missing)},
        )
    return missing


def plan_state(wanted: bool = True) -> PlanState:
    """``ON`` when ``wanted`` and every name the plan uses is there."""
    if not wanted:
        return PlanState.OFF_SETTING
    return PlanState.OFF_MISSING_INTERNALS if _missing_logged() else PlanState.ON
