"""The GraphQL contract: types, root Query and the executable ``schema``."""

from schema.build import build_schema

schema = build_schema()

__all__ = ["build_schema", "schema"]
