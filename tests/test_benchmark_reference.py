"""The benchmark's in-memory reference answers the benchmark's queries exactly as iom-graph
does, without any database (each of its statements would be refused)."""

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from benchmark.reference_app import DATABASE_ENV, create_app
from benchmark.scenarios import FRENCH_NAMES_QUERY, FULL_TRAVERSAL_QUERY, POINT_LOOKUP_QUERY
from tests.app_client import BASE_URL, serve_in_process


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_reference_answers_like_the_service(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv(DATABASE_ENV, url)
    queries = (FULL_TRAVERSAL_QUERY, FRENCH_NAMES_QUERY, POINT_LOOKUP_QUERY)
    with TestClient(create_app(), base_url=BASE_URL) as reference:
        answers = [reference.post("/graphql", json={"query": q}).json() for q in queries]
    with serve_in_process(url, rate_limit_per_second=10**9, rate_limit_burst=10**12) as service:
        expected = [service.post("/graphql", json={"query": q}).json() for q in queries]
    assert [a.get("errors") for a in answers] == [None, None, None]
    kenya = answers[2]["data"]["country"]
    assert (kenya["name"], kenya["regionalOffice"]["name"]) == (
        "Kenya",
        "IOM Regional Office for East and Horn of Africa",
    )
    assert answers == expected
