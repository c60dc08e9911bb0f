"""The HTTP edge, in-process: JSON nesting, the length of every text argument, database errors
told apart by cause, operation selection, methods, content codings and validators, and the
outcome every request is counted under. Behaviour that reaches the database runs on SQLite and
PostgreSQL."""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.testclient import TestClient

import resolvers.lists
import resolvers.organisation
import schema.filters
import service.responder
from db.engine import build_engine
from db.errors import Cause, cause_of
from service.caching import ENTRY_OVERHEAD_BYTES, LocalStore
from tests.app_client import serve_in_process
from tests.conftest import POSTGRES_URL, DatabaseFactory

TYPENAME = "{ __typename }"
INTERNAL = {"message": "Internal server error", "code": "INTERNAL_SERVER_ERROR"}


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """For behaviour that never reaches the database: one engine is enough."""
    return f"sqlite:///{tmp_path_factory.mktemp('edge') / 'iom.sqlite3'}"


@pytest.fixture(scope="module")
def sqlite_client(sqlite_url: str) -> Iterator[TestClient]:
    with serve_in_process(sqlite_url) as client:
        yield client


@pytest.fixture(scope="module")
def database_url(databases: DatabaseFactory) -> str:
    """An empty database of the session's backend: the app migrates and seeds it."""
    return databases.new().url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    with serve_in_process(database_url) as client:
        yield client


def error_of(response: Any) -> dict[str, Any]:
    """The only error of a response, as message, code and (when given) argument."""
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    error = errors[0]
    found = {"message": error["message"], "code": error["extensions"]["code"]}
    if "argument" in error["extensions"]:
        found["argument"] = error["extensions"]["argument"]
    return found


def outcomes(client: TestClient, operation: str) -> dict[str, float]:
    """The request counts of one operation name on /metrics, by outcome."""
    counts: dict[str, float] = {}
    prefix = f'iom_graph_requests_total{{operation="{operation}",outcome="'
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(prefix):
            counts[line[len(prefix) :].split('"')[0]] = float(line.split()[-1])
    return counts


def nested(depth: int) -> str:
    """JSON arrays nested ``depth`` levels deep."""
    return "[" * depth + "]" * depth


# -- item 4: JSON nesting is bounded when the request is read ----------------------------------


@pytest.mark.parametrize("arrays", [32, 300, 1000])
def test_variables_nested_past_32_levels_are_refused_with_400(
    sqlite_client: TestClient, arrays: int
) -> None:
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(arrays) + "}}"
    response = sqlite_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert error_of(response) == {
        "message": "`variables` nests JSON objects and arrays more than 32 levels deep",
        "code": "BAD_REQUEST",
    }


def test_variables_nested_32_levels_are_accepted(sqlite_client: TestClient) -> None:
    # The variables object is level 1, so 31 arrays inside it reach level 32.
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(31) + "}}"
    response = sqlite_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


def test_a_body_nested_beyond_what_json_parsing_allows_is_refused(
    sqlite_client: TestClient,
) -> None:
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(2000) + "}}"
    response = sqlite_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "the request body nests JSON objects and arrays too deeply: `variables` "
        "and `extensions` may nest at most 32 levels",
        "code": "BAD_REQUEST",
    }


@pytest.mark.parametrize("parameter", ["variables", "extensions"])
def test_get_parameters_nested_past_32_levels_are_refused(
    sqlite_client: TestClient, parameter: str
) -> None:
    for arrays in (300, 2000):
        response = sqlite_client.get(
            "/graphql", params={"query": TYPENAME, parameter: '{"x": ' + nested(arrays) + "}"}
        )
        assert response.status_code == 400
        assert error_of(response) == {
            "message": f"`{parameter}` nests JSON objects and arrays more than 32 levels deep",
            "code": "BAD_REQUEST",
        }


def test_nesting_is_refused_with_the_response_cache_off(sqlite_url: str) -> None:
    """Without the cache (whose key re-encodes variables), the NUL check walked them and hit
    the recursion limit near 970 levels."""
    body = '{"query": "{ __typename }", "variables": {"x": ' + nested(980) + "}}"
    with serve_in_process(sqlite_url, response_cache_bytes=0) as client:
        response = client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert error_of(response)["code"] == "BAD_REQUEST"
        assert outcomes(client, "invalid") == {"refused": 1.0}


def test_an_unexpected_failure_in_the_endpoint_is_a_coded_500_counted_as_error(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> str:
        raise RuntimeError("cache key failed")

    monkeypatch.setattr(service.responder, "response_key", broken)
    with serve_in_process(sqlite_url) as client, caplog.at_level(logging.ERROR):
        response = client.post("/graphql", json={"query": "query Probe { __typename }"})
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert response.json() == {
            "errors": [
                {
                    "message": "Internal server error",
                    "extensions": {
                        "code": "INTERNAL_SERVER_ERROR",
                        "requestId": response.headers["x-request-id"],
                    },
                }
            ]
        }
        # not a known operation name: labelled "other" (the access log keeps "Probe")
        assert outcomes(client, "other") == {"error": 1.0}
    logged = [r for r in caplog.records if r.name == "iom_graph.endpoint"]
    assert [r.getMessage() for r in logged] == ["unexpected error in the endpoint"]
    assert logged[0].exc_info is not None
    assert str(logged[0].exc_info[1]) == "cache key failed"


def test_a_failing_resolver_is_counted_as_error_not_client_error(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("resolver failed")

    monkeypatch.setattr(resolvers.lists.MemoryLists, "notes", broken)
    # "Broken" is not a known operation name: it is counted as "other" (this client is shared)
    before = outcomes(client, "other")
    response = client.post("/graphql", json={"query": "query Broken { dataQualityNotes { slug } }"})
    assert response.status_code == 200  # a field error: the GraphQL result says what failed
    assert error_of(response) == INTERNAL
    assert outcomes(client, "other") == {**before, "error": before.get("error", 0.0) + 1}


# -- item 5: every text argument has a documented maximum ---------------------------------------

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


# -- item 8: operations, methods, codings, languages, directives, the cache's size -------------

# The nine offices of 2020: 1 465 bytes, gzipped (above the 1 024-byte minimum).
OFFICES = '{ regionalOffices(asOf: "2020-01-01") { nodes { slug name city region } } }'


def test_several_operations_need_an_operation_name(sqlite_client: TestClient) -> None:
    document = "query A { a: __typename } query B { b: __typename }"
    unnamed = sqlite_client.post("/graphql", json={"query": document})
    assert unnamed.status_code == 400
    assert error_of(unnamed) == {
        "message": "the document holds several operations: name the one to run in `operationName`",
        "code": "BAD_REQUEST",
    }
    named = sqlite_client.post("/graphql", json={"query": document, "operationName": "B"})
    assert named.json()["data"] == {"b": "Query"}
    unknown = sqlite_client.post("/graphql", json={"query": document, "operationName": "C"})
    assert unknown.status_code == 400
    assert error_of(unknown) == {
        "message": "`operationName` names no operation of the document",
        "code": "BAD_REQUEST",
    }
    single = sqlite_client.post("/graphql", json={"query": "query A { a: __typename }"})
    assert single.json()["data"] == {"a": "Query"}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_subscription_is_refused_as_one(sqlite_client: TestClient, method: str) -> None:
    query = "subscription S { __typename }"
    if method == "GET":
        response = sqlite_client.get("/graphql", params={"query": query})
    else:
        response = sqlite_client.post("/graphql", json={"query": query})
    assert response.status_code == 400
    assert "allow" not in response.headers
    assert error_of(response) == {
        "message": "subscriptions are served over WebSocket at /graphql",
        "code": "OPERATION_NOT_ALLOWED",
    }


def test_head_answers_as_get_without_a_body(sqlite_client: TestClient) -> None:
    get = sqlite_client.get("/graphql", params={"query": TYPENAME})
    head = sqlite_client.head("/graphql", params={"query": TYPENAME})
    assert (get.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    for header in ("content-type", "content-length", "etag", "cache-control", "vary"):
        assert head.headers[header] == get.headers[header]
    assert int(head.headers["content-length"]) == len(get.content)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"])
def test_other_methods_get_a_coded_405_with_allow(sqlite_url: str, method: str) -> None:
    with serve_in_process(sqlite_url) as client:
        response = client.request(method, "/graphql")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, POST"
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert error_of(response) == {
            "message": "/graphql answers GET and POST (and HEAD, as GET without a body)",
            "code": "METHOD_NOT_ALLOWED",
        }
        assert outcomes(client, "anonymous") == {"refused": 1.0}


def test_a_streamed_body_over_the_limit_is_still_413(sqlite_url: str) -> None:
    """The endpoint turns unexpected failures into 500s, but not the body limit's."""

    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }"'
        yield b" " * 3000
        yield b"}"

    with serve_in_process(sqlite_url, max_body_bytes=2000) as client:
        response = client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"
        assert outcomes(client, "invalid") == {"refused": 1.0}


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("gzip", "gzip"),
        ("gzip;q=0", None),
        ("gzip;q=0.000", None),
        ("gzip;q=0, *", None),
        ("*", "gzip"),
        ("identity, x-gzip;q=0.5", "gzip"),
        ("br", None),
        ("gzip;q=inf", None),
    ],
)
def test_gzip_only_when_its_quality_is_above_zero(
    sqlite_client: TestClient, accept_encoding: str, coding: str | None
) -> None:
    response = sqlite_client.get(
        "/graphql", params={"query": OFFICES}, headers={"accept-encoding": accept_encoding}
    )
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == coding
    assert response.headers["vary"] == "Accept, Accept-Language, Accept-Datetime, Accept-Encoding"
    assert len(response.content) == 1465  # decoded by the client when gzipped


@pytest.mark.parametrize("accept_encoding", ["identity", "gzip"])
def test_a_short_answer_is_sent_as_it_is_whatever_the_coding(
    sqlite_client: TestClient, accept_encoding: str
) -> None:
    """Below 1 024 bytes neither coding touches a response (Starlette's rule, which the
    service layer applies without a responder for a client that refuses gzip)."""
    response = sqlite_client.get(
        "/graphql", params={"query": TYPENAME}, headers={"accept-encoding": accept_encoding}
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    assert int(response.headers["content-length"]) == len(response.content) < 1024
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept, Accept-Language, Accept-Datetime"
    assert response.headers["x-request-id"]


def test_gzip_and_identity_representations_have_their_own_etags(
    sqlite_client: TestClient,
) -> None:
    """RFC 9110 8.8.3.3: a content coding is part of the representation, so a strong ETag
    differs between the gzip and the identity bodies."""

    def get(encoding: str, held: str | None = None) -> Any:
        headers = {"accept-encoding": encoding, **({"if-none-match": held} if held else {})}
        return sqlite_client.get("/graphql", params={"query": OFFICES}, headers=headers)

    identity, gzipped = get("identity"), get("gzip")
    tag = identity.headers["etag"]
    assert len(tag) == 34
    assert gzipped.headers["etag"] == tag[:-1] + '-gzip"'
    assert gzipped.content == identity.content
    # Each client revalidates the representation it holds, and is told its own tag back.
    for encoding, held in [("gzip", tag[:-1] + '-gzip"'), ("identity", tag), ("gzip", tag)]:
        revalidated = get(encoding, held)
        assert revalidated.status_code == 304
        assert revalidated.headers["etag"] == held


@pytest.mark.parametrize(
    ("accept_language", "name"),
    [
        ("fr", "Organisation internationale pour les migrations"),
        ("fr;q=inf", "International Organization for Migration"),
        ("fr;q=nan, es;q=2", "International Organization for Migration"),
        ("fr;q=0.5, en;q=0.9", "International Organization for Migration"),
    ],
)
def test_accept_language_qualities_follow_rfc_9110(
    client: TestClient, accept_language: str, name: str
) -> None:
    response = client.post(
        "/graphql",
        json={"query": "{ organisation { name } }"},
        headers={"accept-language": accept_language},
    )
    assert response.json()["data"] == {"organisation": {"name": name}}


def test_repeated_unknown_directives_are_one_error(sqlite_client: TestClient) -> None:
    """graphql-cop's "Directive Overloading" probe: ten copies were ten errors."""
    query = "query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }"
    response = sqlite_client.post("/graphql", json={"query": query})
    assert response.json() == {
        "errors": [
            {
                "message": "Unknown directive '@aa'.",
                "locations": [{"line": 1, "column": column} for column in range(24, 52, 3)],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }


async def test_the_local_store_counts_keys_values_and_their_overhead() -> None:
    entry = 64 + 100 + ENTRY_OVERHEAD_BYTES
    store = LocalStore(max_bytes=10 * entry)
    keys = [f"{i:064x}" for i in range(11)]
    for key in keys:
        await store.set(key, b"v" * 100)
    assert (len(store.items), store.size) == (10, 10 * entry)
    assert await store.get(keys[0]) is None  # the oldest went first
    await store.set(keys[1], b"v" * 10)  # replacing a value counts the new one only
    assert store.size == 9 * entry + 64 + 10 + ENTRY_OVERHEAD_BYTES
    await store.set("k", b"v" * (10 * entry))  # larger than the whole store: not kept
    assert await store.get("k") is None
