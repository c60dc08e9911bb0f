"""Property-based fuzzing over our own schema (hypothesis-graphql), in-process: generated
queries, valid and invalid (hundreds in the suite, thousands under ``make fuzz``: see
``tests/generated.py``); none may crash, and every error must carry a code."""

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import Mode, queries

from schema.__main__ import sdl
from schema.errors import ErrorCode
from tests.conftest import Execute
from tests.generated import examples

# The standalone SDL: the subgraph's (``_entities``) has directives only a federation-aware
# parser knows. _entities is covered by tests/test_federation_schema.py.
SDL = sdl()
CODES = {code.value for code in ErrorCode}


def run(execute: Execute, query: str, variables: dict[str, Any] | None = None) -> Any:
    return asyncio.run(execute(query, variables))


def assert_handled(result: Any) -> None:
    for error in result.errors or []:
        code = (error.extensions or {}).get("code")
        assert code in CODES, f"uncoded error: {error.message!r}"
        assert code != ErrorCode.INTERNAL_SERVER_ERROR, f"internal error: {error.message!r}"


@examples(300)
@given(query=queries(SDL))
def test_generated_valid_queries(execute: Execute, query: str) -> None:
    assert_handled(run(execute, query))


@examples(200)
@given(query=queries(SDL, mode=Mode.NEGATIVE))
def test_generated_invalid_queries(execute: Execute, query: str) -> None:
    result = run(execute, query)
    assert_handled(result)


@examples(150)
@given(text=st.text(min_size=1, max_size=200).filter(str.strip))  # HTTP refuses blank ones
def test_arbitrary_text_as_a_document(execute: Execute, text: str) -> None:
    assert_handled(run(execute, text))


VARIABLE_QUERIES = [
    "query($c: String!) { country(code: $c) { alpha3 } }",
    "query($t: String!) { search(text: $t) { totalCount } }",
    "query($f: CountryFilter) { countries(filter: $f) { totalCount } }",
    "query($n: Int, $a: String) { institutions(first: $n, after: $a) { totalCount } }",
    "query($id: ID!) { node(id: $id) { id } }",
]


@examples(200)
@given(
    query=st.sampled_from(VARIABLE_QUERIES),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
        lambda inner: (
            st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
        ),
        max_leaves=10,
    ),
)
def test_arbitrary_variable_values(execute: Execute, query: str, value: object) -> None:
    name = query.split("$", 1)[1].split(":", 1)[0]
    assert_handled(run(execute, query, {name: value}))


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($t: String!) { search(text: $t) { totalCount } }", {"t": "ab\x00"}),
        ('{ countries(filter: {offices: ["nai\\u0000robi"]}) { totalCount } }', None),
        (
            "query($f: CountryFilter) { countries(filter: $f) { totalCount } }",
            {"f": {"text": "\x00"}},
        ),
    ],
)
def test_nul_characters_are_bad_input(
    execute: Execute, query: str, variables: dict[str, Any] | None
) -> None:
    result = run(execute, query, variables)
    assert result.data is None
    assert result.errors is not None
    assert [e.message for e in result.errors] == [
        "text arguments must not contain NUL (U+0000) characters"
    ]
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
