"""The HTTP edge: the length of every text argument (refused past its maximum as
BAD_USER_INPUT, answered at it), and database errors told apart by cause."""

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.testclient import TestClient

import schema.filters
from db.engine import build_engine
from db.errors import Cause, cause_of
from tests.app_client import serve_in_process
from tests.conftest import POSTGRES_URL, DatabaseFactory
from tests.http_edge.conftest import error_of, outcomes

LONG_SLUG, LONG_TEXT, LONG_ID, LONG_CURSOR = "s" * 65, "t" * 101, "I" * 129, "c" * 65


def too_long(argument: str, length: int, maximum: int) -> dict[str, str]:
    return {
        "message": f"`{argument}` is {length} characters long; at most {maximum} are accepted",
        "code": "BAD_USER_INPUT",
        "argument": argument,
    }


def not_a_code(argument: str, shown: str) -> dict[str, str]:
    # country(code:) also points to search (issue 23); the filters' lists do not.
    hint = " To find a country by its name, use `search(text:)`." if argument == "code" else ""
    return {
        "message": f"`{argument}`: {shown} is not an ISO 3166-1 alpha-2 or alpha-3 code "
        "(two or three letters, e.g. KE or KEN)" + hint,
        "code": "BAD_USER_INPUT",
        "argument": argument,
    }


LENGTH_CASES = [
    (
        "query($v: String!) { regionalOffice(slug: $v) { slug } }",
        LONG_SLUG,
        too_long("slug", 65, 64),
    ),
    ("query($v: String!) { institution(slug: $v) { slug } }", LONG_SLUG, too_long("slug", 65, 64)),
    (
        "query($v: String!) { institution(acronym: $v) { slug } }",
        "A" * 33,
        too_long("acronym", 33, 32),
    ),
    (
        "query($v: String!) { leadershipPosition(slug: $v) { slug } }",
        LONG_SLUG,
        too_long("slug", 65, 64),
    ),
    (
        "query($v: String!) { dataQualityNote(slug: $v) { slug } }",
        LONG_SLUG,
        too_long("slug", 65, 64),
    ),
    ("query($v: String!) { country(code: $v) { alpha3 } }", "KENY", not_a_code("code", "'KENY'")),
    ("query($v: String!) { country(code: $v) { alpha3 } }", "ß", not_a_code("code", "'ß'")),
    (
        "query($v: String!) { country(code: $v) { alpha3 } }",
        "K" * 60_000,
        not_a_code("code", "a 60000-character value"),
    ),
    (
        "query($v: String!) { countries(filter: {text: $v}) { totalCount } }",
        LONG_TEXT,
        too_long("filter.text", 101, 100),
    ),
    (
        "query($v: String!) { countries(filter: {text: $v}) { totalCount } }",
        "a" * 60_000,
        too_long("filter.text", 60_000, 100),
    ),
    (
        "query($v: String!) { regionalOffices(filter: {text: $v}) { totalCount } }",
        LONG_TEXT,
        too_long("filter.text", 101, 100),
    ),
    (
        "query($v: String!) { institutions(filter: {text: $v}) { totalCount } }",
        LONG_TEXT,
        too_long("filter.text", 101, 100),
    ),
    (
        "query($v: String!) { countries(filter: {codes: [$v]}) { totalCount } }",
        "ß",
        not_a_code("filter.codes", "'ß'"),
    ),
    (
        "query($v: String!) { regionalOffices(filter: {hostCountryCodes: [$v]}) { totalCount } }",
        "KENY",
        not_a_code("filter.hostCountryCodes", "'KENY'"),
    ),
    (
        "query($v: String!) { countries(filter: {offices: [$v]}) { totalCount } }",
        LONG_SLUG,
        too_long("filter.offices", 65, 64),
    ),
    (
        "query($v: String!) { regionalOffices(filter: {slugs: [$v]}) { totalCount } }",
        LONG_SLUG,
        too_long("filter.slugs", 65, 64),
    ),
    (
        "query($v: String!) { institutions(filter: {slugs: [$v]}) { totalCount } }",
        LONG_SLUG,
        too_long("filter.slugs", 65, 64),
    ),
    (
        "query($v: String!) { institutions(filter: {offices: [$v]}) { totalCount } }",
        LONG_SLUG,
        too_long("filter.offices", 65, 64),
    ),
    ("query($v: ID!) { node(id: $v) { id } }", LONG_ID, too_long("id", 129, 128)),
    ("query($v: ID!) { nodes(ids: [$v]) { id } }", LONG_ID, too_long("ids", 129, 128)),
    (
        "query($v: String!) { search(text: $v) { totalCount } }",
        LONG_TEXT,
        {
            "message": "search text must be 2 to 100 characters long (got 101)",
            "code": "BAD_USER_INPUT",
            "argument": "text",
        },
    ),
    (
        "query($v: String!) { countries(after: $v) { totalCount } }",
        LONG_CURSOR,
        too_long("after", 65, 64),
    ),
    (
        "query($v: String!) { institutions(before: $v) { totalCount } }",
        LONG_CURSOR,
        too_long("before", 65, 64),
    ),
    (
        'query($v: String!) { regionalOffice(slug: "nairobi") { countries(after: $v) '
        "{ totalCount } } }",
        LONG_CURSOR,
        too_long("after", 65, 64),
    ),
]


@pytest.mark.parametrize(("query", "value", "expected"), LENGTH_CASES)
def test_every_text_argument_past_its_maximum_is_bad_user_input(
    client: TestClient, query: str, value: str, expected: dict[str, str]
) -> None:
    response = client.post("/graphql", json={"query": query, "variables": {"v": value}})
    # A field error: execution started, so GraphQL over HTTP answers 200 with the error.
    assert response.status_code == 200
    assert "retry-after" not in response.headers
    assert error_of(response) == expected


@pytest.mark.parametrize(
    ("query", "value", "data"),
    [
        (
            "query($v: String!) { regionalOffice(slug: $v) { slug } }",
            "s" * 64,
            {"regionalOffice": None},
        ),
        (
            "query($v: String!) { institution(acronym: $v) { slug } }",
            "A" * 32,
            {"institution": None},
        ),
        (
            "query($v: String!) { countries(filter: {text: $v}) { totalCount } }",
            "t" * 100,
            {"countries": {"totalCount": 0}},
        ),
        (
            "query($v: String!) { country(code: $v) { alpha3 } }",
            " ss ",
            {"country": {"alpha3": "SSD"}},
        ),
    ],
)
def test_text_arguments_at_their_maximum_are_answered(
    client: TestClient, query: str, value: str, data: dict[str, Any]
) -> None:
    response = client.post("/graphql", json={"query": query, "variables": {"v": value}})
    assert response.status_code == 200
    assert "errors" not in response.json()
    assert response.json()["data"] == data


def test_a_text_no_database_would_take_is_answered_from_memory(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the API's limit, SQLite refused this LIKE pattern (answered as BAD_USER_INPUT,
    never as an outage). Root lists are read from memory now: no statement runs, and the text
    simply matches nothing."""
    monkeypatch.setattr(schema.filters, "MAX_FILTER_TEXT_LENGTH", 1_000_000)
    query = "query Long($v: String!) { countries(filter: {text: $v}) { totalCount } }"
    with serve_in_process(sqlite_url) as client, caplog.at_level(logging.DEBUG):
        response = client.post("/graphql", json={"query": query, "variables": {"v": "a" * 60_000}})
        assert response.status_code == 200
        assert response.json()["data"] == {"countries": {"totalCount": 0}}
        assert "errors" not in response.json()
        assert outcomes(client, "other") == {"ok": 1.0}  # "Long": not a known name
    assert [r for r in caplog.records if r.name == "iom_graph.errors"] == []


def _raised(url: str, statement: str, **parameters: object) -> SQLAlchemyError:
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text(statement), parameters)
    except SQLAlchemyError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError(f"{statement!r} did not fail")


def test_database_errors_are_told_apart_by_driver_code(
    databases: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url = databases.new().url.render_as_string(hide_password=False)
    if backend == "sqlite":
        refused_input = _raised(url, "SELECT 'aaa' LIKE :pattern", pattern="a" * 60_000)
        unavailable = _raised(f"sqlite:///{tmp_path}", "SELECT 1")  # a directory: CANTOPEN
    else:
        refused_input = _raised(url, "SELECT CAST(:value AS INTEGER)", value="many")
        unavailable = _raised(POSTGRES_URL.replace(":5432", ":9"), "SELECT 1")
    defect = _raised(url, "SELECT * FROM no_such_table")
    assert [cause_of(refused_input), cause_of(unavailable), cause_of(defect)] == [
        Cause.INPUT,
        Cause.UNAVAILABLE,
        Cause.DEFECT,
    ]
