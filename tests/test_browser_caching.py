"""The browser pages and their files are cached by content (issue 22.9): each file linked
at a versioned URL served immutable, so the 978 KB GraphiQL bundle is never sent again;
pages, unversioned files and the examples revalidated by ETag and answered 304."""

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from service import graphiql
from service import map as world_map
from service.browser_pages import content_version
from tests.app_client import serve_in_process

HTML = {"accept": "text/html"}
IMMUTABLE = "public, max-age=31536000, immutable"
BUNDLE = "vendor/graphiql.min.js"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("browser-caching") / "iom.sqlite3"
    with serve_in_process(f"sqlite:///{database}") as started:
        yield started


def linked(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/(?:graphiql|map)/[^"]+)"', html)


@pytest.mark.parametrize(
    ("path", "module"), [("/graphql", graphiql), ("/", world_map)], ids=["graphiql", "map"]
)
def test_pages_link_versioned_files_and_answer_304(
    client: TestClient, path: str, module: object
) -> None:
    page = client.get(path, headers={**HTML, "accept-encoding": "identity"})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-cache"
    assert page.headers["etag"] == f'"{content_version(page.content)}"'
    prefix, assets = module.URL_PREFIX, module.ASSETS  # type: ignore[attr-defined]
    assert sorted(linked(page.text)) == sorted(
        f"{prefix}{name}?v={content_version((asset.path).read_bytes())}"
        for name, asset in assets.items()
        if not name.endswith(".json")
    )
    again = client.get(path, headers={**HTML, "if-none-match": page.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == page.headers["etag"]


def test_the_graphiql_bundle_is_immutable_at_its_version(client: TestClient) -> None:
    asset = graphiql.ASSETS[BUNDLE]
    url = f"/graphiql/{BUNDLE}?v={asset.version}"
    first = client.get(url, headers={"accept-encoding": "identity"})
    assert first.status_code == 200
    assert len(first.content) == asset.path.stat().st_size > 900_000
    assert first.headers["cache-control"] == IMMUTABLE
    assert first.headers["etag"] == asset.etag
    revalidated = client.get(url, headers={"if-none-match": asset.etag})
    assert revalidated.status_code == 304
    assert revalidated.content == b""  # the bundle is not sent again


def test_gzip_coded_files_revalidate_by_their_own_etag(client: TestClient) -> None:
    asset = graphiql.ASSETS[BUNDLE]
    coded = client.get(f"/graphiql/{BUNDLE}?v={asset.version}", headers={"accept-encoding": "gzip"})
    assert coded.headers["content-encoding"] == "gzip"
    assert coded.headers["etag"] == f'"{asset.version}-gzip"'
    again = client.get(
        f"/graphiql/{BUNDLE}?v={asset.version}",
        headers={"accept-encoding": "gzip", "if-none-match": coded.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.headers["etag"] == coded.headers["etag"]


@pytest.mark.parametrize("url", ["/graphiql/" + BUNDLE, f"/graphiql/{BUNDLE}?v=0123456789"])
def test_a_file_without_its_current_version_is_revalidated(client: TestClient, url: str) -> None:
    response = client.get(url, headers={"accept-encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["etag"] == graphiql.ASSETS[BUNDLE].etag


def test_the_map_atlas_and_the_examples_revalidate(client: TestClient) -> None:
    for url in ("/map/vendor/countries-110m.json", graphiql.EXAMPLES_URL):
        response = client.get(url, headers={"accept-encoding": "identity"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["etag"] == f'"{content_version(response.content)}"'
        again = client.get(url, headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304
