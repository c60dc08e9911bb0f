"""The contract: committed SDL, a description on everything, and the layering of imports."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from schema import build_schema
from schema.__main__ import SUBGRAPH_SDL_PATH, sdl, subgraph_sdl

ROOT = Path(__file__).resolve().parent.parent
SDL_PATH = ROOT / "schema" / "schema.graphql"


def test_committed_sdl_is_current() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "schema/schema.graphql is stale: run `python -m schema` and review the diff"
    )


def test_committed_subgraph_sdl_is_current() -> None:
    """The Apollo Federation subgraph SDL (``_service { sdl }``), committed beside it."""
    assert SUBGRAPH_SDL_PATH.read_text(encoding="utf-8") == subgraph_sdl(), (
        "schema/subgraph.graphql is stale: run `python -m schema` and review the diff"
    )


def test_sdl_does_not_depend_on_the_environment() -> None:
    """Settings are handed down from the entry point: no IOM_GRAPH_* value reaches the SDL."""
    env = {
        **os.environ,
        "IOM_GRAPH_MAX_PAGE_SIZE": "10",
        "IOM_GRAPH_DEFAULT_PAGE_SIZE": "5",
        "IOM_GRAPH_MAX_COST": "7",
    }
    printed = subprocess.run(
        [sys.executable, "-c", "from schema.__main__ import sdl; print(sdl(), end='')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == SDL_PATH.read_text(encoding="utf-8")


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing: list[str] = []
    graphql_schema = build_schema()._schema
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


def test_suggestions_in_every_environment() -> None:
    assert build_schema().config.disable_field_suggestions is False


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
    """server -> service -> schema -> resolvers -> db, and nothing imports server."""
    forbidden = {
        "db": {"strawberry", "schema", "resolvers", "service", "server", "starlette", "redis"},
        "resolvers": {"schema", "service", "server", "starlette", "redis"},
        "schema": {"service", "server", "starlette", "redis"},
        "service": {"server"},
        "tests": {"server"},
        "benchmark": {"server"},
    }
    violations = [
        f"{path.relative_to(ROOT)} imports {sorted(_imports(path) & banned)}"
        for package, banned in forbidden.items()
        for path in (ROOT / package).rglob("*.py")
        # npm packages the benchmark installs (benchmark/postgraphile) are not ours to check.
        if "node_modules" not in path.parts
        and _imports(path) & banned
        # benchmark/memory.py measures the RSS ``import server`` costs, in a child process.
        and path.relative_to(ROOT).as_posix() != "benchmark/memory.py"
    ]
    # The query layer uses no part of strawberry (it has no DataLoader any more either).
    violations += [
        f"{path.relative_to(ROOT)} imports strawberry"
        for path in (ROOT / "resolvers").rglob("*.py")
        if "strawberry" in _imports(path)
    ]
    assert violations == []
