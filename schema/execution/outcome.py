"""What the plan did with one operation: answered it, or stopped for a reason (graphql-core
then answered). The reasons are a closed set, so ``/metrics`` can count them by label."""

from dataclasses import dataclass
from enum import StrEnum


class FallbackReason(StrEnum):
    """Why the plan stopped and graphql-core executed the operation again."""

    MUTATION = "mutation"  # executed serially: the plan covers queries only
    INCREMENTAL = "incremental"  # @defer or @stream in the schema or the operation
    ABORT_SIGNAL = "abort_signal"  # graphql-core's cancellation, which the plan does not watch
    INTROSPECTION = "introspection"  # a ``__`` field other than ``__typename``
    ARGUMENTS = "arguments"  # a field's arguments did not coerce
    RESOLVER_ERROR = "resolver_error"  # a resolver (or a root field's awaitable) raised
    AWAITABLE = "awaitable"  # a value to await below the root
    ERROR_VALUE = "error_value"  # a resolver returned an exception as its value
    NULL_IN_NON_NULL = "null_in_non_null"
    NOT_A_LIST = "not_a_list"
    NOT_COERCED = "not_coerced"  # a leaf value its scalar or enum does not serialize
    TYPE_RESOLUTION = "type_resolution"  # is_type_of / resolve_type refused or raised


class PlanStoppedError(Exception):
    """The plan does not cover this operation, or a field of it did not complete plainly."""

    def __init__(self, reason: FallbackReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(slots=True)
class PlanRecord:
    """One request's count of operations the plan answered, and the last reason it stopped
    (the request's context holds it as ``plan``; ``service.execution`` reports it)."""

    answered: int = 0
    fallback: FallbackReason | None = None
