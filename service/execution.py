"""Running one GraphQL operation: in an execution slot, under the request timeout, on one
in-memory dataset (``service.dataset``), with its SQL statements counted (none since every
read is from memory); strawberry's refusals become coded HTTP errors."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.database import Database, count_statements
from resolvers.in_memory import InMemoryDataset
from schema.build import IomSchema
from schema.context import Context
from schema.errors import ErrorCode, coded, log_unexpected
from service.deadlines import Deadlines
from service.observability import RequestOutcome
from service.request import GraphQLParams, HTTPError

# The operation types a request may run: GET and HEAD only queries (made once, not per request).
_URL_OPERATIONS = frozenset({OperationType.QUERY})
_POST_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


@dataclass
class ExecutionLimits:
    """How long one operation may run, and how many run at once."""

    timeout_seconds: float = 10.0
    # GraphQL execution is CPU work on one event loop: running more operations at once adds
    # memory and garbage-collection work, not throughput. Others wait their turn (within
    # the timeout).
    max_concurrent_executions: int = 4


class Executor:
    """Executes operations of ``schema`` within ``limits``."""

    def __init__(self, schema: IomSchema, db: Database, limits: ExecutionLimits) -> None:
        self.schema, self.db, self.limits = schema, db, limits
        self._slots: asyncio.Semaphore | None = None
        self.deadlines = Deadlines()

    @property
    def slots(self) -> asyncio.Semaphore:
        """Created on first use, inside the event loop that serves the app."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limits.max_concurrent_executions)
        return self._slots

    async def run(
        self,
        request: Request,
        query: str,
        params: GraphQLParams,
        dataset: InMemoryDataset,
        context_for: Callable[..., Context],
        outcome: RequestOutcome,
    ) -> ExecutionResult:
        """The result, read from ``dataset`` alone."""
        allowed = _POST_OPERATIONS if request.method == "POST" else _URL_OPERATIONS
        timeout = self.limits.timeout_seconds
        with count_statements() as counter:
            try:
                loop = asyncio.get_running_loop()
                expires = loop.time() + timeout
                # One timer for every operation in progress (``service.deadlines``), where
                # asyncio.timeout_at armed one per operation; not anyio's cancel scope: the
                # service runs on asyncio (uvloop) alone, and its bookkeeping was ~3% of a
                # lookup's CPU.
                with self.deadlines.start(loop, expires):
                    async with self.slots:
                        context = context_for(db=self.db, dataset=dataset)
                        result = await self.schema.execute(
                            query,
                            variable_values=params.variables,
                            context_value=context,
                            operation_name=params.operation_name,
                            allowed_operation_types=allowed,
                            operation_extensions=params.extensions,
                        )
                        # Everything is read from memory by synchronous resolvers: execution
                        # does not yield, so a deadline passed during it is noticed here (the
                        # operation's cost limit bounds that work).
                        if loop.time() >= expires:
                            raise TimeoutError
            except TimeoutError:
                raise HTTPError(
                    503,
                    ErrorCode.TIMEOUT,
                    f"the request took longer than {timeout:g} s and was stopped",
                    {"Retry-After": "5"},
                ) from None
            except InvalidOperationTypeError as error:
                if error.operation_type is OperationType.SUBSCRIPTION:
                    raise HTTPError(
                        400,
                        ErrorCode.OPERATION_NOT_ALLOWED,
                        "subscriptions are served over WebSocket at /graphql",
                    ) from None
                raise HTTPError(
                    405,
                    ErrorCode.OPERATION_NOT_ALLOWED,
                    "GET requests may only run queries; use POST",
                    {"Allow": "POST"},
                ) from None
            except CannotGetOperationTypeError:
                message = (
                    "the document holds several operations: name the one to run in `operationName`"
                    if params.operation_name is None
                    else "`operationName` names no operation of the document"
                )
                raise HTTPError(400, ErrorCode.BAD_REQUEST, message) from None
            except DBAPIError as error:
                # Raised outside execution: taking or releasing a connection (its rollback
                # when the server goes away mid-request). Coded and logged as a resolver's
                # database error is: SERVICE_UNAVAILABLE (503) for an outage.
                return database_failure(error, getattr(request.state, "request_id", ""))
            except MissingQueryError:
                raise HTTPError(
                    400, ErrorCode.BAD_REQUEST, "no GraphQL query in the request"
                ) from None
            finally:
                outcome.statements = counter.count
        outcome.planned = context.plan.answered > 0
        outcome.plan_fallback = context.plan.fallback
        return result


def database_failure(error: DBAPIError, request_id: str) -> ExecutionResult:
    """The result of an operation whose snapshot failed outside execution: one error, coded
    by the database error's cause (``schema.errors``), logged like a resolver's."""
    failure = GraphQLError(str(error), original_error=error)
    log_unexpected([failure], request_id)
    return ExecutionResult(data=None, errors=[coded(failure, request_id)])
