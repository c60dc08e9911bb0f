"""Build the executable schema with its extensions."""

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from db.settings import get_settings
from schema.errors import ErrorCodes, log_unexpected
from schema.query import Query


class IomSchema(strawberry.Schema):
    """Logs only unexpected errors, with the request id; client errors are answered, not logged."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context: Any = execution_context.context if execution_context else None
        log_unexpected(errors, getattr(context, "request_id", ""))


def build_schema(*, development: bool | None = None) -> IomSchema:
    """The schema; ``development`` turns field suggestions on (off in production)."""
    if development is None:
        development = get_settings().environment == "development"
    return IomSchema(
        query=Query,
        config=StrawberryConfig(disable_field_suggestions=not development),
        extensions=[ErrorCodes, ParserCache, ValidationCache],
    )
