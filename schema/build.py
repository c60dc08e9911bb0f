"""Build the executable schema with its extensions."""

from functools import cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.utils.str_converters import to_camel_case

from db.settings import Settings, get_settings
from schema.cost import CostLimit
from schema.errors import coded, log_unexpected
from schema.inputs import RejectNulCharacters
from schema.limits import limit_extensions
from schema.query import Query

_camel_case = cache(to_camel_case)


class CachedNameConverter(NameConverter):
    """strawberry converts each argument's name on every resolver call (profiled at 9% of a
    full traversal); the names are few and fixed, so remember the conversions."""

    def apply_naming_config(self, name: str) -> str:
        return _camel_case(name) if self.auto_camel_case else name


class IomSchema(strawberry.Schema):
    """Codes every error of every result (``schema.errors``) and logs only unexpected ones.

    Coding happens here rather than in an extension: with the parser cache, a syntax error
    leaves the extensions' operation hook before any result exists.
    """

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        if result.errors:
            request_id = getattr(kwargs.get("context_value"), "request_id", "")
            result.errors = [coded(error, request_id) for error in result.errors]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context: Any = execution_context.context if execution_context else None
        log_unexpected(errors, getattr(context, "request_id", ""))


def build_schema(settings: Settings | None = None) -> IomSchema:
    """The schema with the limits of ``settings``; field suggestions only in development."""
    settings = settings or get_settings()
    cost_limit = partial(
        CostLimit,
        max_cost=settings.max_cost,
        default_page_size=settings.default_page_size,
        max_page_size=settings.max_page_size,
    )
    return IomSchema(
        query=Query,
        config=StrawberryConfig(disable_field_suggestions=settings.environment != "development"),
        extensions=[
            *limit_extensions(settings),
            RejectNulCharacters,
            cost_limit,
            ParserCache,
            ValidationCache,
        ],
    )
