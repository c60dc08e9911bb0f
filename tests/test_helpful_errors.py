"""Errors a client can act on: an unknown enum value lists the allowed ones, an unknown slug
in a filter names it and suggests the nearest, and filters ignore case as lookups do."""

import pytest

from tests.conftest import Execute

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
