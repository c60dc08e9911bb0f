"""The map page's HTTP side, in-process: the page at / under its CSP, each of its files
with its media type, the vendored files exactly as recorded in vendor/VERSIONS.md."""

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from service.map import (
    ASSETS,
    CONTENT_SECURITY_POLICY,
    MAP_DIR,
    OPERATION_NAMES,
    STATIC_ASSETS,
)
from tests.app_client import serve_in_process

VENDOR = MAP_DIR / "vendor"
# file -> (bytes, sha256), as vendor/VERSIONS.md records them.
VENDORED = {
    "d3-array.min.js": (17232, "468f7b9ed38d6322083da4d5ae9fa57d47784f964f16dcff96e413d16cc8f9d9"),
    "d3-geo.min.js": (36381, "1ea4c9608d0998f6468df3ab313c473bebbe81ba2c542a456b49db90e3672f89"),
    "topojson-client.min.js": (
        7169,
        "25cd02ae486cc5063e0215a4e4cfb15de83700c87ac48bac4d57dc6aaf3ebb89",
    ),
    "countries-110m.json": (
        107761,
        "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8",
    ),
    "LICENSE.d3-array": (731, "2a6d2d5f32ba0b755ddbc1c833f766e30cdbe6ebe9a6d4e3e24427721f0b63d3"),
    "LICENSE.d3-geo": (1857, "3ded44a2c7935c8f5236f0543069406fdf7256b61b9eaeaddd007e80f19bc959"),
    "LICENSE.topojson-client": (
        734,
        "4c4d15b635e04e691825a76db7d33f7f2033b55669a7430011694f31e6c65999",
    ),
    "LICENSE.world-atlas": (
        734,
        "8048290dfdb6e83fbed17e8985c8cfc4ce9da9b842642f3d3e497280790cfa31",
    ),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = tmp_path_factory.mktemp("map-page") / "map.sqlite3"
    with serve_in_process(f"sqlite:///{database}") as started:
        yield started


def test_the_page_is_at_the_root_under_its_csp(client: TestClient) -> None:
    response = client.get("/", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["cache-control"] == "no-cache"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    # No inline script or style: every <script> has a src, no style attribute or element.
    html = response.text
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert re.findall(r"<style|\bstyle=", html) == []
    sources = re.findall(r'<(?:script|link rel="stylesheet")[^>]*(?:src|href)="([^"]+)"', html)
    assert sources == [
        f"/map/{name}?v={ASSETS[name].version}"
        for name in STATIC_ASSETS
        if not name.endswith(".json")
    ]


def test_every_file_is_served_with_its_media_type(client: TestClient) -> None:
    for name, media_type in STATIC_ASSETS.items():
        response = client.get("/map/" + name)
        assert response.status_code == 200, name
        assert response.headers["content-type"] == media_type
        assert response.content == (MAP_DIR / name).read_bytes()
    assert client.get("/map/vendor/VERSIONS.md").status_code == 404
    assert client.get("/map/index.html").status_code == 404


def test_the_vendored_files_are_those_recorded() -> None:
    present = {path.name for path in VENDOR.iterdir()} - {"VERSIONS.md"}
    assert present == set(VENDORED)
    versions = (VENDOR / "VERSIONS.md").read_text(encoding="utf-8")
    for name, (size, sha256) in VENDORED.items():
        data = (VENDOR / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha256), name
        assert f"| `{name}` |" in versions
        assert f"| {size} | `{sha256}` |" in versions, name


def test_the_page_loads_only_its_own_files() -> None:
    for path in Path(MAP_DIR).glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert re.findall(r"https?://(?!www\.w3\.org/2000/svg)", text) == [], path.name


def test_metrics_know_the_operations_the_page_sends() -> None:
    declared = re.findall(r'"query (\w+)[ ($]', (MAP_DIR / "api.js").read_text(encoding="utf-8"))
    assert sorted(declared) == sorted(OPERATION_NAMES)
