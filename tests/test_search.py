"""``search`` finds any entity by name, acronym or code, ignoring accents and case."""

import pytest

from tests.conftest import Execute
from tests.dataset_facts import example

QUERY = example("05-search")


async def _hits(execute: Execute, text: str) -> list[tuple[str, str]]:
    result = await execute(QUERY, {"text": text})
    assert result.errors is None
    nodes = result.data["search"]["nodes"]  # type: ignore[index]
    return [(n["__typename"], n.get("slug") or n.get("alpha3") or n["name"]) for n in nodes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("oim", [("Organisation", "International Organization for Migration")]),
        ("Egypte", [("Country", "EGY")]),
        ("ÉGYPTE", [("Country", "EGY")]),
        ("cedeao", [("Institution", "ecowas")]),
        ("kenia", [("Country", "KEN")]),
        ("nairobi", [("RegionalOffice", "nairobi"), ("Institution", "unon")]),
        ("CEI", [("Institution", "cei"), ("Institution", "cis")]),
        (
            "Directrice generale adjointe",
            [
                ("LeadershipPosition", "ddg-management-reform"),
                ("LeadershipPosition", "ddg-operations"),
            ],
        ),
        ("zzzz", []),
    ],
)
async def test_search(execute: Execute, text: str, expected: list[tuple[str, str]]) -> None:
    assert await _hits(execute, text) == expected


@pytest.mark.parametrize("text", ["a", " ", "x" * 101])
async def test_search_text_length_is_bounded(execute: Execute, text: str) -> None:
    result = await execute(QUERY, {"text": text})
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "text"}


async def test_like_wildcards_are_literal(execute: Execute) -> None:
    assert await _hits(execute, "%%") == []
    assert await _hits(execute, "__") == []
