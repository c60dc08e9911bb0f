"""Errors a client can act on: an unknown enum value lists the allowed ones, an unknown slug
in a filter names it and suggests the nearest, and filters ignore case as lookups do."""

import pytest

from tests.conftest import Execute
from tests.dataset_facts import office_countries

NOTES = "query($severity: [Severity!]) { dataQualityNotes(severity: $severity) { slug } }"
SEVERITIES = ["HIGH", "MEDIUM", "LOW"]


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        (
            "HIHG",
            "Value 'HIHG' does not exist in 'Severity' enum. Did you mean the enum value "
            "'HIGH'? Allowed values: HIGH, MEDIUM, LOW.",
        ),
        (
            "PURPLE",
            "Value 'PURPLE' does not exist in 'Severity' enum. Allowed values: HIGH, MEDIUM, LOW.",
        ),
    ],
)
async def test_an_unknown_enum_literal_lists_the_allowed_values(
    execute: Execute, literal: str, message: str
) -> None:
    result = await execute(f"{{ dataQualityNotes(severity: [{literal}]) {{ slug }} }}")
    assert result.errors is not None
    assert [e.message for e in result.errors] == [message]
    assert result.errors[0].extensions == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "allowedValues": SEVERITIES,
    }


async def test_an_unknown_enum_variable_lists_the_allowed_values(execute: Execute) -> None:
    result = await execute(NOTES, {"severity": ["high"]})
    assert result.errors is not None
    assert [e.message for e in result.errors] == [
        "Variable '$severity' has invalid value at [0]: Value 'high' does not exist in "
        "'Severity' enum. Did you mean the enum value 'HIGH'? Allowed values: HIGH, MEDIUM, LOW."
    ]
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "allowedValues": SEVERITIES}


async def test_the_same_error_twice_lists_the_values_once(execute: Execute) -> None:
    # Validation errors are cached: the list is added to a copy, never to the cached error.
    for _ in range(2):
        result = await execute("{ dataQualityNotes(severity: [PURPLE]) { slug } }")
        assert result.errors is not None
        assert result.errors[0].message.count("Allowed values") == 1


async def test_a_known_enum_value_is_no_error(execute: Execute) -> None:
    result = await execute(NOTES, {"severity": ["HIGH"]})
    assert result.errors is None
    assert result.data == {
        "dataQualityNotes": [{"slug": "count-eight-vs-nine"}, {"slug": "outdated-structure"}]
    }


COUNTRIES = "query($offices: [String!]) { countries(filter: {offices: $offices}) { totalCount } }"
OFFICES = (
    'query($slugs: [String!]) { regionalOffices(asOf: "2020-01-01", filter: {slugs: $slugs}) '
    "{ nodes { slug } } }"
)
INSTITUTIONS = (
    "query($slugs: [String!], $offices: [String!]) "
    "{ institutions(filter: {slugs: $slugs, offices: $offices}) { nodes { slug } } }"
)


async def test_filters_ignore_case_as_lookups_do(execute: Execute) -> None:
    # regionalOffice(slug: "Nairobi") finds nairobi; so do the filters now.
    lower = await execute(COUNTRIES, {"offices": ["cairo"]})
    mixed = await execute(COUNTRIES, {"offices": ["Cairo", " CAIRO "]})
    assert lower.errors is None
    assert mixed.errors is None
    cairo = len(office_countries()["cairo"])
    assert cairo == 17
    assert lower.data == mixed.data == {"countries": {"totalCount": cairo}}
    offices = await execute(OFFICES, {"slugs": ["San-Jose", "NAIROBI"]})
    assert offices.errors is None
    assert offices.data == {
        "regionalOffices": {"nodes": [{"slug": "nairobi"}, {"slug": "san-jose"}]}
    }
    institutions = await execute(INSTITUTIONS, {"slugs": ["UNEP", "Mercosur"]})
    assert institutions.errors is None
    assert institutions.data == {
        "institutions": {"nodes": [{"slug": "mercosur"}, {"slug": "unep"}]}
    }


@pytest.mark.parametrize(
    ("query", "variables", "argument", "message", "unknown", "suggestion"),
    [
        (
            OFFICES,
            {"slugs": ["nairobi", "san_jose"]},
            "filter.slugs",
            "`filter.slugs`: no regional office has the slug 'san_jose'; did you mean 'san-jose'?",
            "san_jose",
            "san-jose",
        ),
        (
            COUNTRIES,
            {"offices": ["Nairobbi"]},
            "filter.offices",
            "`filter.offices`: no regional office has the slug 'nairobbi'; did you mean 'nairobi'?",
            "nairobbi",
            "nairobi",
        ),
        (
            INSTITUTIONS,
            {"slugs": ["unhabitat"]},
            "filter.slugs",
            "`filter.slugs`: no institution has the slug 'unhabitat'; did you mean 'un-habitat'?",
            "unhabitat",
            "un-habitat",
        ),
        (
            INSTITUTIONS,
            {"offices": ["zzzz"]},
            "filter.offices",
            "`filter.offices`: no regional office has the slug 'zzzz'",
            "zzzz",
            None,
        ),
    ],
)
async def test_an_unknown_slug_is_named_with_the_nearest(
    execute: Execute,
    query: str,
    variables: dict[str, list[str]],
    argument: str,
    message: str,
    unknown: str,
    suggestion: str | None,
) -> None:
    result = await execute(query, variables)
    assert result.errors is not None
    assert [e.message for e in result.errors] == [message]
    assert result.errors[0].extensions == {
        "code": "BAD_USER_INPUT",
        "argument": argument,
        "unknownValue": unknown,
        "didYouMean": suggestion,
    }


@pytest.mark.parametrize(
    ("document", "errors"),
    [
        (
            "query($x: Nope) { __typename }",
            [
                ("Variable '$x' is never used.", "GRAPHQL_VALIDATION_FAILED"),
                ("Unknown type 'Nope'. Did you mean 'Node'?", "GRAPHQL_VALIDATION_FAILED"),
            ],
        ),
        (
            "{ country(code: $c) { name } }",
            [("Variable '$c' is not defined.", "GRAPHQL_VALIDATION_FAILED")],
        ),
        (
            "query($c: Int) { country(code: $c) { name } }",
            [
                (
                    "Variable '$c' of type 'Int' used in position expecting type 'String!'.",
                    "GRAPHQL_VALIDATION_FAILED",
                )
            ],
        ),
    ],
)
async def test_validation_errors_about_variables_are_validation_failures_only(
    execute: Execute, document: str, errors: list[tuple[str, str]]
) -> None:
    """Issue 22.8: validation's messages starting "Variable '$" were coded BAD_USER_INPUT."""
    result = await execute(document, {"c": 1})
    assert result.errors is not None
    assert [(e.message, (e.extensions or {})["code"]) for e in result.errors] == errors


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"c": 1},
            "Variable '$c' has invalid value: String cannot represent a non string value: 1",
        ),
        (
            {},
            "Variable '$c' has invalid value: Expected a value of non-null type 'String!' "
            "to be provided.",
        ),
        (
            {"c": None},
            "Variable '$c' has invalid value: Expected value of non-null type 'String!' "
            "not to be None.",
        ),
    ],
)
async def test_variable_values_the_type_refuses_stay_bad_user_input(
    execute: Execute, variables: dict[str, object], message: str
) -> None:
    result = await execute("query($c: String!) { country(code: $c) { name } }", variables)
    assert result.errors is not None
    assert [(e.message, e.extensions) for e in result.errors] == [
        (message, {"code": "BAD_USER_INPUT"})
    ]
