"""The contract: committed SDL, a description on everything, and the layering of imports."""

import ast
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from db.settings import Settings
from schema import build_schema, schema

ROOT = Path(__file__).resolve().parent.parent
SDL_PATH = ROOT / "schema" / "schema.graphql"


def test_committed_sdl_is_current() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema/schema.graphql is stale: run `python -m schema` and review the diff"
    )


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing: list[str] = []
    graphql_schema = schema._schema
    for name, graphql_type in graphql_schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, a in field.args.items()
                    if not a.description
                ]
        elif isinstance(graphql_type, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, v in graphql_type.fields.items() if not v.description]
        elif isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{v}" for v, value in graphql_type.values.items() if not value.description
            ]
        elif isinstance(graphql_type, GraphQLUnionType):
            pass
    assert missing == []


def test_suggestions_only_in_development() -> None:
    production = build_schema(Settings(environment="production"))
    development = build_schema(Settings(environment="development"))
    assert production.config.disable_field_suggestions is True
    assert development.config.disable_field_suggestions is False


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_layers_import_only_downwards() -> None:
    forbidden = {
        "db": {"strawberry", "schema", "resolvers", "server", "starlette"},
        "resolvers": {"schema", "server", "starlette"},
        "schema": {"server"},
    }
    violations = [
        f"{path.relative_to(ROOT)} imports {sorted(_imports(path) & banned)}"
        for package, banned in forbidden.items()
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & banned
    ]
    violations += [
        f"{p.relative_to(ROOT)} imports server"
        for p in (ROOT / "tests").rglob("*.py")
        if "server" in _imports(p)
    ]
    assert violations == []
