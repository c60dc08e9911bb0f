"""The vendored browser files are the ones service/graphiql/vendor/VERSIONS.md records: every
file listed with its size and sha256, nothing unlisted, and every file the page loads served."""

import hashlib
import re

from service.graphiql import GRAPHIQL_DIR, INDEX_HTML, STATIC_ASSETS

VENDOR = GRAPHIQL_DIR / "vendor"
# A row of the "Files" table: | `file` | origin | bytes | `sha256` | licence |
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| [^|]+ \| (?P<bytes>\d+) \| `(?P<sha>[0-9a-f]{64})` \|")


def recorded() -> dict[str, tuple[int, str]]:
    text = (VENDOR / "VERSIONS.md").read_text(encoding="utf-8")
    rows = (ROW.match(line) for line in text.splitlines())
    return {row["file"]: (int(row["bytes"]), row["sha"]) for row in rows if row is not None}


def test_every_vendored_file_is_recorded_with_its_size_and_hash() -> None:
    files = {path.name for path in VENDOR.iterdir() if path.name != "VERSIONS.md"}
    table = recorded()
    assert sorted(table) == sorted(files)
    for name, (size, sha) in table.items():
        content = (VENDOR / name).read_bytes()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (size, sha), name


def test_the_page_loads_only_served_files_in_order() -> None:
    html = INDEX_HTML.read_text(encoding="utf-8")
    loaded = re.findall(r'(?:src|href)="/graphiql/([^"]+)"', html)
    assert loaded == [
        "vendor/graphiql.min.css",
        "vendor/graphiql-plugin-explorer.css",
        "vendor/react.production.min.js",
        "vendor/react-dom.production.min.js",
        "vendor/graphiql.min.js",
        "vendor/graphiql-plugin-explorer.umd.js",
        "graphiql-init.js",
    ]
    assert sorted(loaded) == sorted(STATIC_ASSETS)
