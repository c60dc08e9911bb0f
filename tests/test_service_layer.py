"""The per-request shortcuts of the service layer read what Starlette's own readers read."""

import pytest
from starlette.requests import Request

from service.params import _url_arguments
from service.request import etag_matches, header


def _request(headers: list[tuple[bytes, bytes]], query_string: bytes = b"") -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/graphql",
        "headers": headers,
        "query_string": query_string,
    }
    return Request(scope)


def test_a_header_is_its_first_value_as_starlette_reads_it() -> None:
    sent = [(b"accept", b"application/json"), (b"accept", b"text/html"), (b"x-api-key", b"k")]
    request = _request(sent)
    for name in ("accept", "x-api-key", "accept-language"):
        assert header(request, name) == request.headers.get(name)
    assert header(request, "accept") == "application/json"
    assert header(request, "accept-language") is None


@pytest.mark.parametrize(
    "query_string",
    [
        b"query=%7B+a+%7D&variables=",
        b"query=1&query=2&operationName=Last",
        b"operationName&query=%7Ba%7D&extensions=%7B%7D",
        b"",
    ],
)
def test_url_arguments_are_starlettes_query_params(query_string: bytes) -> None:
    request = _request([], query_string)
    assert _url_arguments(query_string.decode("latin-1")) == dict(request.query_params)


def test_if_none_match_names_either_representation_or_any() -> None:
    etag = '"abc"'
    assert etag_matches(_request([(b"if-none-match", b'W/"x", "abc"')]), etag)
    assert etag_matches(_request([(b"if-none-match", b'"abc-gzip"')]), etag)
    assert etag_matches(_request([(b"if-none-match", b"*")]), etag)
    assert not etag_matches(_request([(b"if-none-match", b'"abd"')]), etag)
    assert not etag_matches(_request([]), etag)
