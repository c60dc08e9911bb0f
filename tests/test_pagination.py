"""Cursor pagination: every item once, backwards too, and the page-size limit is explicit."""

import base64

import pytest

from resolvers.errors import UserInputError
from resolvers.pagination import _offset, decode_cursor, encode_cursor
from tests.conftest import Execute

QUERY = """
query Page($first: Int, $after: String, $last: Int, $before: String) {
  countries(first: $first, after: $after, last: $last, before: $before, orderBy: {field: ALPHA3}) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { alpha3 } }
    nodes { alpha3 }
  }
}
"""


async def _page(execute: Execute, **variables: object) -> dict:  # type: ignore[type-arg]
    result = await execute(QUERY, dict(variables))
    assert result.errors is None
    return result.data["countries"]  # type: ignore[index, no-any-return]


async def test_walking_forwards_visits_each_country_once(execute: Execute) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = await _page(execute, first=37, after=after)
        assert page["totalCount"] == 250
        assert page["nodes"] == [e["node"] for e in page["edges"]]
        seen += [n["alpha3"] for n in page["nodes"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 7
    assert len(seen) == 250
    assert seen == sorted(set(seen))
    assert seen[:3] == ["ABW", "AFG", "AGO"]


async def test_walking_backwards_with_last_and_before(execute: Execute) -> None:
    last_page = await _page(execute, last=3)
    assert [n["alpha3"] for n in last_page["nodes"]] == ["ZAF", "ZMB", "ZWE"]
    assert last_page["pageInfo"]["hasPreviousPage"] is True
    assert last_page["pageInfo"]["hasNextPage"] is False
    before = await _page(execute, last=2, before=last_page["pageInfo"]["startCursor"])
    assert [n["alpha3"] for n in before["nodes"]] == ["XKX", "YEM"]
    assert before["pageInfo"]["hasNextPage"] is True


async def test_default_page_size_is_fifty(execute: Execute) -> None:
    page = await _page(execute)
    assert len(page["nodes"]) == 50
    assert page["pageInfo"]["hasNextPage"] is True


async def test_a_page_above_the_maximum_is_refused(execute: Execute) -> None:
    result = await execute(QUERY, {"first": 101})
    # The root list is nullable (issue 23): the error nulls that field only.
    assert result.data == {"countries": None}
    assert result.errors is not None
    assert result.errors[0].message == (
        "`first` is 101, above the maximum page size of 100: ask for at most 100 and page "
        "with `after`/`before`"
    )
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "first"}
    exactly = await _page(execute, first=100)
    assert len(exactly["nodes"]) == 100


async def test_negative_sizes_and_foreign_cursors_are_refused(execute: Execute) -> None:
    negative = await execute(QUERY, {"last": -1})
    assert negative.errors is not None
    assert negative.errors[0].message == "`last` must be zero or more (got -1)"
    cursor = await execute(QUERY, {"first": 2, "after": "bm9wZQ=="})
    assert cursor.errors is not None
    assert cursor.errors[0].message == "`after` is not a cursor this API issued"
    assert cursor.errors[0].extensions == {"code": "BAD_USER_INPUT", "argument": "after"}


def test_a_decoded_cursor_is_kept_and_a_refusal_names_each_argument() -> None:
    """The offsets of cursors decoded before are kept (``_offset``'s cache); a refused cursor
    is refused again, naming the argument it came in each time."""
    cursor = encode_cursor(9)
    assert cursor == "b2Zmc2V0Ojk="
    assert decode_cursor(cursor, "after") == 9
    hits = _offset.cache_info().hits
    assert decode_cursor(cursor, "before") == 9
    assert _offset.cache_info().hits == hits + 1
    for argument in ("after", "before", "after"):
        with pytest.raises(UserInputError) as refused:
            decode_cursor("bm9wZQ==", argument)  # "nope"
        assert refused.value.argument == argument
        assert str(refused.value) == f"`{argument}` is not a cursor this API issued"
    negative = base64.b64encode(b"offset:-1").decode()
    with pytest.raises(UserInputError):
        decode_cursor(negative, "after")
