"""``/data/``: the package the service serves is valid for ``frictionless`` (today and
2020-01-01, in EN and FR), equals what the builder makes of the dataset GraphQL answers from,
and is served with ETags, 304s and the response cache, keyed by version, day, language and
file; a version that is not the current one is refused with a code."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import frictionless
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from db.dataset import read_dataset
from db.engine import build_engine
from db.loader import load_dataset
from resolvers.database import Database
from resolvers.in_memory import read_in_memory
from resolvers.open_data.package import FILES, Package
from tests.app_client import serve_in_process
from tests.conftest import DatabaseFactory
from tests.dataset_facts import Dataset, entry, write_variant
from tests.live_server import start_server

QUERY = """
query Offices($day: Date!, $lang: Language!) {
  regionalOffices(asOf: $day, first: 100) { nodes { slug name(lang: $lang) rank } }
}
"""


@pytest.fixture(scope="module")
def server(seeded_engine: Engine) -> Iterator[TestClient]:
    with serve_in_process(seeded_engine.url.render_as_string(hide_password=False)) as client:
        yield client


def today() -> str:
    return datetime.now(UTC).date().isoformat()


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("day", [None, "2020-01-01"])
def test_the_served_package_is_valid_and_is_the_builders(
    server: TestClient, seeded_engine: Engine, tmp_path: Path, day: str | None, language: str
) -> None:
    base = f"/data/{day or today()}/{language}/"
    descriptor = server.get(base + "datapackage.json")
    assert descriptor.status_code == 200
    assert descriptor.headers["content-type"] == "application/json"
    (tmp_path / "datapackage.json").write_bytes(descriptor.content)
    paths = [resource["path"] for resource in descriptor.json()["resources"]]
    for path in [*paths, "iom-graph.json"]:
        response = server.get(base + path)  # the descriptor's relative paths, as a client does
        assert response.status_code == 200, path
        assert response.headers["x-dataset-version"] == descriptor.headers["x-dataset-version"]
        (tmp_path / path).write_bytes(response.content)
    for name in ("datapackage.json", "iom-graph.json"):
        report = frictionless.validate(str(tmp_path / name))
        assert [e.message for task in report.tasks for e in task.errors] == []
        assert report.valid
    meta = descriptor.json()["iomGraph"]
    assert meta == {
        "datasetVersion": descriptor.headers["x-dataset-version"],
        "asOf": day or today(),
        "language": language,
    }
    package = Package(
        read_in_memory(Database(seeded_engine)), date.fromisoformat(day or today()), language
    )
    assert {name: (tmp_path / name).read_bytes() for name in FILES} == dict(package.files())


def test_the_offices_csv_and_graphql_agree(server: TestClient) -> None:
    csv_response = server.get("/data/2020-01-01/fr/offices.csv")
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    variables = json.dumps({"day": "2020-01-01", "lang": "FR"})
    answer = server.get("/graphql", params={"query": QUERY, "variables": variables})
    assert answer.json().get("errors") is None
    nodes = answer.json()["data"]["regionalOffices"]["nodes"]
    # GraphQL's list leaves out the liaison office (no region); the package has every office.
    assert [
        (r["slug"], r["name"], int(r["rank"]))
        for r in rows
        if r["slug"] != "global-office-brussels"
    ] == [(n["slug"], n["name"], n["rank"]) for n in nodes]
    assert len(nodes) == 9
    assert csv_response.headers["x-dataset-version"] == answer.headers["x-dataset-version"]


def test_etag_and_304(server: TestClient) -> None:
    first = server.get("/data/all/es/countries.csv")
    assert first.status_code == 200
    etag = first.headers["etag"]
    again = server.get("/data/all/es/countries.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["x-dataset-version"] == first.headers["x-dataset-version"]
    other = server.get("/data/all/en/countries.csv", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another language: another representation
    assert other.headers["etag"] != etag


def test_each_file_is_built_once_per_version_day_and_language(
    server: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real_file = Package.file

    def counting(self: Package, name: str) -> bytes:
        built.append(f"{self.period}/{self.language}/{name}")
        return real_file(self, name)

    monkeypatch.setattr(Package, "file", counting)
    for _ in range(2):
        server.get("/data/1999-12-31/en/leadership.csv")
        server.get("/data/1999-12-31/fr/leadership.csv")
        server.get("/data/all/fr/leadership.csv")
        server.get("/data/all/fr/datapackage.json")
    assert built == [
        "1999-12-31/en/leadership.csv",
        "1999-12-31/fr/leadership.csv",
        "None/fr/leadership.csv",
        "None/fr/datapackage.json",
    ]


def test_today_in_english_is_the_default(server: TestClient) -> None:
    index = server.get("/data/")
    assert index.status_code == 200
    assert index.json()["iomGraph"]["asOf"] == today()
    assert index.json()["iomGraph"]["language"] == "en"
    assert (
        server.get("/data/offices.csv").content
        == server.get(f"/data/{today()}/en/offices.csv").content
    )


def test_query_parameters_redirect_to_the_path_of_that_day_and_language(
    server: TestClient,
) -> None:
    response = server.get(
        "/data/offices.csv",
        params={"asOf": "2020-01-01", "lang": "fr", "version": "abc"},
        follow_redirects=False,
    )
    assert response.status_code == 307
    assert response.headers["location"] == "/data/2020-01-01/fr/offices.csv?version=abc"
    response = server.get("/data/", params={"asOf": "all"}, follow_redirects=False)
    assert response.headers["location"] == "/data/all/en/datapackage.json"


def test_the_current_version_is_served_and_another_is_gone(server: TestClient) -> None:
    version = server.get("/data/").headers["x-dataset-version"]
    assert server.get("/data/", params={"version": version}).status_code == 200
    gone = server.get("/data/all/en/offices.csv", params={"version": "0" * 64})
    assert gone.status_code == 410
    assert gone.json()["errors"][0]["extensions"] == {"code": "DATASET_VERSION_GONE"}
    assert version in gone.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/data/nope.csv", 404, "NOT_FOUND"),
        ("/data/2020-01-01/de/offices.csv", 404, "NOT_FOUND"),
        ("/data/1900-01-01/en/offices.csv", 404, "NOT_FOUND"),
        ("/data/yesterday/en/offices.csv", 404, "NOT_FOUND"),
        ("/data/offices.csv?lang=de", 400, "BAD_USER_INPUT"),
        ("/data/offices.csv?asOf=2020-13-01", 400, "BAD_USER_INPUT"),
    ],
)
def test_errors_are_coded(server: TestClient, path: str, status: int, code: str) -> None:
    response = server.get(path, follow_redirects=False)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"] == {"code": code}


def test_only_reads_are_allowed(server: TestClient) -> None:
    response = server.post("/data/offices.csv")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}


def test_frictionless_validates_the_package_by_its_url(tmp_path: Path) -> None:
    """As a user would: ``frictionless validate <url>`` on a real server, which fetches the
    tables by the descriptor's relative paths (SQLite: the engine does not matter here)."""
    with start_server(f"sqlite:///{tmp_path / 'served.sqlite3'}") as url:
        for day in (today(), "2020-01-01"):
            for language in ("en", "fr"):
                report = frictionless.validate(f"{url}/data/{day}/{language}/datapackage.json")
                assert [e.message for task in report.tasks for e in task.errors] == []
                assert [e.message for e in report.errors] == []
                assert [task.name for task in report.tasks] == [
                    "offices",
                    "countries",
                    "office_countries",
                    "institutions",
                    "office_institutions",
                    "leadership",
                    "successions",
                    "sources",
                ]


def test_a_load_moves_the_package_to_the_new_version(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url = databases.new().url.render_as_string(hide_password=False)
    with serve_in_process(url) as server:
        before = server.get("/data/all/en/institutions.csv")
        old = before.headers["x-dataset-version"]

        def rename(data: Dataset) -> None:
            entry(data["institutions"], "escwa")["names"]["en"]["text"] = "ESCWA, renamed"

        engine = build_engine(make_url(url).render_as_string(hide_password=False))
        variant = write_variant(tmp_path, rename)
        load_dataset(engine, variant)
        engine.dispose()
        new = read_dataset(variant).content_hash
        # At once, on both engines: the feed's link to the new version works the moment the
        # load committed (on PostgreSQL, before the watcher's notification arrives).
        after = server.get(
            "/data/all/en/institutions.csv",
            params={"version": new},
            headers={"If-None-Match": before.headers["etag"]},
        )
        assert after.status_code == 200  # not 304, nor the old version's cache entry
        assert after.headers["x-dataset-version"] == new != old
        changed = [
            (old_line, new_line)
            for old_line, new_line in zip(
                before.text.splitlines(), after.text.splitlines(), strict=True
            )
            if old_line != new_line
        ]
        assert len(changed) == 1
        assert changed[0][0].startswith("escwa,")
        assert changed[0][1].replace('"ESCWA, renamed"', "X") == changed[0][0].replace(
            "United Nations Economic and Social Commission for Western Asia", "X"
        )
        assert server.get("/data/", params={"version": old}).status_code == 410
        assert server.get("/data/", params={"version": new}).json()["version"] == new


def test_a_file_costs_its_client_its_rows(seeded_engine: Engine) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    limits = {"rate_limit_per_second": 0.001, "rate_limit_burst": 300, "max_cost": 300}
    with serve_in_process(url, **limits) as server:
        countries = server.get("/data/all/en/countries.csv")
        assert countries.status_code == 200
        assert countries.headers["x-ratelimit-remaining"] == "50"  # 300 - 250 countries
        assert server.get("/data/").headers["x-ratelimit-remaining"] == "49"  # descriptor: 1
        refused = server.get("/data/all/en/countries.csv")
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"] == {"code": "RATE_LIMITED"}
        assert int(refused.headers["retry-after"]) > 0
        leadership = server.get("/data/all/en/leadership.csv")  # 6 rows: still affordable
        assert leadership.headers["x-ratelimit-remaining"] == "43"
