"""Build the executable schema with its extensions."""

import logging
from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing
from functools import cache, partial
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.name_converter import NameConverter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext, StreamResult
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types import Info as StrawberryInfo
from strawberry.types.graphql import OperationType
from strawberry.utils.str_converters import to_camel_case

from schema.dataset_history import Subscription
from schema.enum_errors import with_allowed_values
from schema.errors import (
    ErrorCode,
    cap_errors,
    coded,
    coded_error,
    collapse_duplicates,
    log_unexpected,
)
from schema.execution import PlannedExecutionContext, PlanState, plan_state, resolution
from schema.execution.direct import DirectExecution, DirectPath, unfit
from schema.extensions.answer_date import AnswerDate
from schema.extensions.cost import CostLimit
from schema.extensions.limits import Limits, limit_extensions
from schema.extensions.nul_characters import RejectNulCharacters
from schema.extensions.runner import LeanExtensionsRunner
from schema.federation import (
    FEDERATION_VERSION,
    check_representation,
    check_representation_count,
    describe_federation_types,
)
from schema.query import Query
from schema.validity import DATE_SCALAR, Date

_camel_case = cache(to_camel_case)
logger = logging.getLogger("iom_graph.execution")


class CachedNameConverter(NameConverter):
    """strawberry converts each argument's name on every resolver call (profiled at 9% of a
    full traversal); the names are few and fixed, so remember the conversions."""

    def apply_naming_config(self, name: str) -> str:
        return _camel_case(name) if self.auto_camel_case else name


class ValidationAfterGuards(ValidationCache):
    """strawberry's validation cache, skipped when a guard has already refused the document
    in its own ``on_validate`` (``CostLimit``): strawberry's validation hands that case over
    to the extensions, and the stock cache would validate the refused document anyway."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors is not None:
            yield
        else:
            yield from super().on_validate()


class IomSchema(DirectExecution):
    """An Apollo Federation 2 subgraph (``schema.federation``) that codes every error of every
    result (``schema.errors``) and logs only unexpected ones. Coding happens here, not in an
    extension: with the parser cache, a syntax error leaves the extensions' operation hook
    before any result exists. Its extensions run by ``LeanExtensionsRunner``."""

    plan_state: PlanState = PlanState.ON
    """Whether operations execute by ``schema.execution``'s plan (``build_schema`` sets it)."""

    def __init__(
        self,
        *,
        lean_resolvers: bool = True,
        limits: Limits | None = None,
        direct: DirectPath | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(federation_version=FEDERATION_VERSION, **kwargs)
        self.limits = limits or Limits()
        self.direct = direct
        describe_federation_types(self._schema)
        if lean_resolvers:
            resolution.install(self._schema, self.schema_converter)

    def entities_resolver(
        self, info: StrawberryInfo, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """strawberry's ``_entities``, given only well-formed representations: each bad one
        is answered by its own error, in its place. Past ``max_representations`` in the
        request (all ``_entities`` fields together), one error and no per-item work."""
        field = str(info.path.key)
        check_representation_count(info.context, field, len(representations), self.limits)
        checked = [check_representation(r, i) for i, r in enumerate(representations)]
        valid = [r for r in checked if not isinstance(r, Exception)]
        resolved = iter(super().entities_resolver(info, valid))  # type: ignore[arg-type]
        return [r if isinstance(r, Exception) else next(resolved) for r in checked]  # type: ignore[misc]

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        if result.errors:
            request_id = getattr(kwargs.get("context_value"), "request_id", "")
            result.errors = cap_errors(
                collapse_duplicates(
                    [coded(with_allowed_values(e, self._schema), request_id) for e in result.errors]
                ),
                self.limits.max_errors,
            )
        return result

    async def stream(self, *args: Any, **kwargs: Any) -> StreamResult:
        """Subscriptions only (the WebSocket endpoint's: queries are served over HTTP, with
        its cache and rate limits), each result's errors coded as ``execute`` codes them."""
        kwargs["allowed_operation_types"] = (OperationType.SUBSCRIPTION,)
        results = await super().stream(*args, **kwargs)
        request_id = getattr(kwargs.get("context_value"), "request_id", "")

        def code(error: GraphQLError) -> GraphQLError:
            if isinstance(error.original_error, InvalidOperationTypeError):
                return coded_error(
                    "WebSocket serves subscriptions only: send queries over HTTP to /graphql",
                    ErrorCode.OPERATION_NOT_ALLOWED,
                )
            return coded(with_allowed_values(error, self._schema), request_id)

        async def coded_results() -> AsyncGenerator[Any, None]:
            async with aclosing(results):
                async for result in results:
                    if isinstance(result, ExecutionResult) and result.errors:
                        result.errors = collapse_duplicates([code(e) for e in result.errors])
                    yield result

        return coded_results()

    def create_extensions_runner(  # strawberry's public hook
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return LeanExtensionsRunner(execution_context=execution_context, extensions=extensions)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context: Any = execution_context.context if execution_context else None
        log_unexpected(errors, getattr(context, "request_id", ""))


def build_schema(
    limits: Limits | None = None, *, standard_execution: bool = False, planned: bool = True
) -> IomSchema:
    """The schema holding operations to ``limits``. "Did you mean" suggestions for fields stay
    on in every environment: introspection publishes the whole schema anyway, so hiding them
    protects nothing and leaves a client with a typo guessing.

    Operations execute by ``schema.execution`` (plan, lean resolvers, chunk filler) when
    ``planned`` (the setting ``IOM_GRAPH_PLANNED_EXECUTION``) and every name of graphql-core
    and strawberry it uses is there (``schema.execution.plan_state``; the schema's
    ``plan_state`` says which). Otherwise, or with ``standard_execution`` (the standard the
    equivalence test compares with), strawberry's own resolvers and execution context.
    A repeated document runs by the direct path (``schema.execution.direct``), except with
    ``standard_execution``."""
    limits = limits or Limits()
    state = plan_state(planned and not standard_execution)
    on = state is PlanState.ON
    cost = partial(CostLimit, limits)
    extensions = [
        *limit_extensions(limits),
        RejectNulCharacters,
        cost,
        ParserCache,
        ValidationAfterGuards,
        AnswerDate,
    ]
    # Those with work for every request; the others' depends on the document's text alone (a
    # document the direct path has admitted has passed them).
    per_request = [RejectNulCharacters, cost, AnswerDate]
    per_document = [e for e in extensions if e not in per_request]
    schema = IomSchema(
        query=Query,
        limits=limits,
        subscription=Subscription,
        lean_resolvers=on,
        direct=direct_path(per_document, per_request, standard_execution),
        execution_context_class=(
            PlannedExecutionContext if on else StrawberryGraphQLCoreExecutionContext
        ),
        config=StrawberryConfig(disable_field_suggestions=False, scalar_map={Date: DATE_SCALAR}),
        extensions=extensions,
    )
    schema.plan_state = state
    if schema.directives:  # strawberry adds its ``DirectivesExtension`` (a ``resolve``) then
        schema.direct = None
    return schema


def direct_path(
    per_document: list[Any], per_request: list[Any], standard_execution: bool
) -> DirectPath | None:
    """The direct path for these extensions, unless the standard (strawberry's path alone) is
    asked for or they do not fit it (one ERROR log line says why)."""
    if standard_execution:
        return None
    if reasons := unfit(per_document, per_request):
        logger.error("direct path off: %s", ", ".join(reasons))
        return None
    return DirectPath(per_request)
