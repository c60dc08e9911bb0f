"""The planned execution context: graphql-core's execution, through a plan of the operation
made once per document and kept (``schema.execution.reuse``); ``schema/execution/README.md``
says what it does differently."""

from asyncio import gather
from collections.abc import Callable
from typing import Any

from graphql import ExecutionResult, GraphQLObjectType

from schema.execution.completion import close, stop
from schema.execution.fields import Awaited, FieldPlanning
from schema.execution.internals import GroupedFieldSet
from schema.execution.outcome import FallbackReason, PlanRecord, PlanStoppedError
from schema.execution.reuse import PLANS


class HelpersReleased(FieldPlanning):
    """An execution context that lets the request go without the collector once its result
    is complete (``_release_helpers``)."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            return self._released_after(result)
        self._release_helpers(result)
        return result

    async def _released_after(self, awaitable: Any) -> Any:
        result = await awaitable
        self._release_helpers(result)
        return result

    def _release_helpers(self, result: Any) -> None:
        """Breaks the reference cycle graphql-core's executor leaves: ``async_helpers`` holds
        bound methods of the executor (``gather_async_work``, ``track_async_work``), so the
        executor, and through it the request's context, plan record and variables, waited for
        the collector (about 21 objects a request). Once the result is complete and no work
        is left in the background (or incremental), graphql-core reads the attribute no
        more: only ``build_resolve_info`` does, while fields execute; an info made before
        holds the helpers themselves, which keep working. Anything else keeps it (and so
        does a release without these attributes: read by name, missing means busy)."""
        if (
            isinstance(result, ExecutionResult)
            and not getattr(self, "background_futures", True)
            and not getattr(self, "pending_incremental_futures", True)
            and getattr(self, "async_work_finished_hook_task", True) is None
            and hasattr(self, "async_helpers")
        ):
            del self.async_helpers


class PlannedExecutionContext(HelpersReleased):
    """graphql-core's execution, through a plan of the operation made once per document.

    graphql-core takes the same general steps for every field of every object (definition,
    info and path, arguments, resolver, awaitable check, the return type's wrappers); the plan
    takes them once per field of the document and keeps a closure per field
    (``schema.execution.fields``, ``.completion``). It answers only what completes plainly:
    anything else stops it with a ``FallbackReason`` and graphql-core executes the whole
    operation again, unchanged. Any other exception is a fault of the plan, not hidden.
    """

    # graphql-core answers the operation when the plan stops (tests turn this off to see the
    # plan's own failure).
    fall_back = True

    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        position_context: Any,
    ) -> Any:
        def standard() -> Any:
            return super(PlannedExecutionContext, self).execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )

        data: dict[str, Any] = {}
        try:
            check_plannable(self, serially, position_context)
        except PlanStoppedError as stopped:
            return self._fall_back(stopped, standard)
        site = self._site = PLANS.site_for(self)
        try:
            runs = site.root_runs
            if runs is None:
                site.per_request.clear()
                runs = self._field_runs(root_type, grouped_field_set, at_root=True)
                site.root_runs = runs
            elif site.per_request:
                site.bind_arguments(self)
            for name, run in runs:
                data[name] = run(root_value, None)
        except PlanStoppedError as stopped:
            PLANS.release(site)
            for value in data.values():
                if isinstance(value, Awaited):
                    close(value.awaitable)
            return self._fall_back(stopped, standard)
        except BaseException:
            PLANS.release(site)
            raise
        waiting = {name: v for name, v in data.items() if isinstance(v, Awaited)}
        if not waiting:
            PLANS.release(site)
            self.plan_answered()
            return data
        return self._settle_root_fields(data, waiting, standard)

    def _fall_back(self, stopped: PlanStoppedError, standard: Callable[[], Any]) -> Any:
        if not self.fall_back:
            raise stopped
        self.plan_stopped(stopped.reason)
        return standard()

    async def _settle_root_fields(
        self, data: dict[str, Any], waiting: dict[str, "Awaited"], standard: Callable[[], Any]
    ) -> Any:
        """Awaits the root fields that awaited the database, together as graphql-core does,
        then completes them by the plan; graphql-core answers again if any of it stops."""
        try:
            values = await gather(*(w.awaitable for w in waiting.values()), return_exceptions=True)
            for (name, field), value in zip(waiting.items(), values, strict=True):
                if isinstance(value, BaseException):
                    raise stop(FallbackReason.RESOLVER_ERROR) from value
                data[name] = field.complete(value)
        except PlanStoppedError as stopped:
            answer = self._fall_back(stopped, standard)
            return await answer if self.is_awaitable(answer) else answer
        finally:
            PLANS.release(self._site)
        self.plan_answered()
        return data

    def _plan_record(self) -> PlanRecord | None:
        record = getattr(self.context_value, "plan", None)
        return record if isinstance(record, PlanRecord) else None

    def plan_answered(self) -> None:
        """The plan answered the operation (counted on the context's ``PlanRecord``)."""
        if (record := self._plan_record()) is not None:
            record.answered += 1

    def plan_stopped(self, reason: FallbackReason) -> None:
        """The plan stopped for ``reason``; graphql-core answers."""
        if (record := self._plan_record()) is not None:
            record.fallback = reason


def check_plannable(context: FieldPlanning, serially: bool, position_context: Any) -> None:
    """Stops the plan before it starts on what it does not cover (README, 7.)."""
    schema = context.schema
    if serially:
        raise stop(FallbackReason.MUTATION)
    if context.abort_signal is not None:
        raise stop(FallbackReason.ABORT_SIGNAL)
    if (
        position_context is not None
        or schema.get_directive("defer") is not None
        or schema.get_directive("stream") is not None
    ):
        raise stop(FallbackReason.INCREMENTAL)
