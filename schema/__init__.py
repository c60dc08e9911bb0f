"""The GraphQL contract: types, the root Query, and ``build_schema`` (importing builds nothing)."""

from schema.build import build_schema

__all__ = ["build_schema"]
