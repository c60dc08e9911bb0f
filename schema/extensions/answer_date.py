"""Every response states the day it answered for: ``extensions.asOf``."""

from typing import Any

from strawberry.extensions import SchemaExtension


class AnswerDate(SchemaExtension):
    """``{"asOf": "2026-12-01"}``: the day fields without their own ``asOf`` answered for.

    Answers change over time (the 2024 mergers); a client, a cache or a log reading a
    response must be able to tell which day it describes. A request refused before execution
    (invalid, too costly, a dry run) answered for no day and states none.
    """

    def get_results(self) -> dict[str, Any]:
        execution = self.execution_context
        today = getattr(execution.context, "today", None)
        executed = execution.result is not None and execution.result.data is not None
        return {"asOf": today.isoformat()} if today is not None and executed else {}
