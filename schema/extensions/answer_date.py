"""Every response states the day or days it answered for: ``extensions.asOf`` or
``extensions.asOfDays``."""

from typing import Any

from strawberry.extensions import SchemaExtension


class AnswerDate(SchemaExtension):
    """``{"asOf": "2026-12-01"}``: the day the response's time-aware fields answered for, or
    ``{"asOfDays": ["2020-01-01", "2026-12-01"]}`` when they answered for several (fields
    given different ``asOf``). A response whose fields depend on no day states the request's
    default day (``Accept-Datetime``, else today).

    Answers change over time (the 2024 mergers); a client, a cache or a log reading a
    response must be able to tell which day it describes: every field pinned to 2020 states
    2020-01-01, not today. A request refused before execution (invalid, too costly, a dry
    run) answered for no day and states none.
    """

    def get_results(self) -> dict[str, Any]:
        execution = self.execution_context
        executed = execution.result is not None and execution.result.data is not None
        context = execution.context
        default_day = getattr(context, "default_day", None)
        if not executed or default_day is None:
            return {}
        days = sorted(getattr(context, "days_used", None) or {default_day})
        if len(days) == 1:
            return {"asOf": days[0].isoformat()}
        return {"asOfDays": [day.isoformat() for day in days]}
