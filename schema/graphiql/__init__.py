"""Offline GraphiQL page: files, Content-Security-Policy and the examples list.

Everything the page needs is in this folder and is served by the service itself under
``/graphiql/`` (no CDN). See ``vendor/VERSIONS.md`` for the vendored bundles.

The server must:

* serve ``index.html`` (as ``text/html; charset=utf-8``) for the GraphiQL page;
* serve the files of :data:`STATIC_ASSETS` under ``/graphiql/<relative path>`` with the
  media type given there;
* serve :func:`examples_json` at ``/graphiql/examples.json`` as ``application/json``;
* send :data:`CONTENT_SECURITY_POLICY` (or :func:`content_security_policy` with the
  nonce given to :func:`index_html`) as the ``Content-Security-Policy`` header of the
  page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Final

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "EXAMPLES_DIR",
    "EXAMPLES_URL",
    "GRAPHIQL_DIR",
    "INDEX_HTML",
    "STATIC_ASSETS",
    "URL_PREFIX",
    "content_security_policy",
    "examples_json",
    "index_html",
]

GRAPHIQL_DIR: Final[Path] = Path(__file__).resolve().parent
INDEX_HTML: Final[Path] = GRAPHIQL_DIR / "index.html"
EXAMPLES_DIR: Final[Path] = GRAPHIQL_DIR / "examples"

URL_PREFIX: Final = "/graphiql/"
EXAMPLES_URL: Final = URL_PREFIX + "examples.json"

# Files the page loads, relative to GRAPHIQL_DIR (= URL path relative to URL_PREFIX),
# with their media types. Serve these and nothing else from this folder.
STATIC_ASSETS: Final[dict[str, str]] = {
    "graphiql-init.js": "text/javascript; charset=utf-8",
    "graphiql-page.css": "text/css; charset=utf-8",
    "vendor/graphiql.min.css": "text/css; charset=utf-8",
    "vendor/graphiql.min.js": "text/javascript; charset=utf-8",
    "vendor/react-dom.production.min.js": "text/javascript; charset=utf-8",
    "vendor/react.production.min.js": "text/javascript; charset=utf-8",
}

# The style="text-align:…" attributes that GraphiQL's markdown renderer (markdown-it)
# puts on the cells of aligned tables in schema descriptions, allowed by hash and
# nothing else. CSSOM changes (element.style, used by React and CodeMirror) need nothing.
_TABLE_ALIGN_HASHES: Final = (
    "'sha256-De7agAeYqm6ANIVvRRW6HFWi52AJW8inhFE0gSdgXnI='",  # text-align:left
    "'sha256-XzJlZKVo+ff9ozww9Sr2p/2TbJXITZuaWMZ9p53zN1U='",  # text-align:right
    "'sha256-kFAIUwypIt04FgLyVU63Lcmp2AQimPh/TdYjy04Flxs='",  # text-align:center
)

# data: is needed by the vendored graphiql.min.css (inlined PNG images and WOFF/WOFF2
# fonts) and by the page's empty favicon; nothing else is loaded from anywhere but here.
_DIRECTIVES: Final = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("style-src-attr", " ".join(("'unsafe-hashes'", *_TABLE_ALIGN_HASHES))),
    ("connect-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self' data:"),
    ("object-src", "'none'"),
    ("frame-ancestors", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
)

CONTENT_SECURITY_POLICY: Final[str] = "; ".join(f"{k} {v}" for k, v in _DIRECTIVES)

_NONCE_RE: Final = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_INIT_SCRIPT_SRC: Final = ' src="/graphiql/graphiql-init.js"'
_NAME_RE: Final = re.compile(r"#\s*(?P<name>\S.*?)\s*")
_VARIABLES_SUFFIX: Final = ".variables.json"


def _check_nonce(nonce: str) -> str:
    if _NONCE_RE.fullmatch(nonce) is None:
        raise ValueError("a CSP nonce must be >= 16 base64 / base64url characters")
    return nonce


def content_security_policy(style_nonce: str | None = None) -> str:
    """The page's CSP; with ``style_nonce``, ``'nonce-…'`` is added to ``style-src``.

    The nonce lets the ``<style>`` element that GraphiQL's dialogs inject (through
    react-remove-scroll) apply. Without it the browser refuses that element and reports
    a CSP violation when a dialog opens; the page keeps working.
    """
    if style_nonce is None:
        return CONTENT_SECURITY_POLICY
    nonce = _check_nonce(style_nonce)
    return "; ".join(
        f"{k} {v} 'nonce-{nonce}'" if k == "style-src" else f"{k} {v}" for k, v in _DIRECTIVES
    )


def index_html(style_nonce: str | None = None) -> bytes:
    """The page; with ``style_nonce``, the init script tag carries ``nonce="…"``.

    Use a fresh ``secrets.token_urlsafe(16)`` per response, and send
    ``content_security_policy(same_nonce)`` with it. The page must not then be cached.
    """
    page = INDEX_HTML.read_text(encoding="utf-8")
    if style_nonce is not None:
        nonce = _check_nonce(style_nonce)
        tag = "<script" + _INIT_SCRIPT_SRC
        if page.count(tag) != 1:
            raise RuntimeError(f"{INDEX_HTML}: expected exactly one {tag}")
        page = page.replace(tag, f'<script nonce="{nonce}"{_INIT_SCRIPT_SRC}')
    return page.encode("utf-8")


def _example(path: Path) -> dict[str, object]:
    query = path.read_text(encoding="utf-8-sig")
    first_line = query.split("\n", 1)[0]
    match = _NAME_RE.fullmatch(first_line)
    if match is None:
        raise ValueError(f"{path}: first line must be a comment '# <Example name>'")
    example: dict[str, object] = {"name": match["name"], "query": query}
    variables_path = path.with_name(path.stem + _VARIABLES_SUFFIX)
    if variables_path.is_file():
        variables = json.loads(variables_path.read_text(encoding="utf-8-sig"))
        if not isinstance(variables, dict):
            raise ValueError(f"{variables_path}: must hold a JSON object")
        example["variables"] = variables
    return example


def examples_json() -> bytes:
    """The JSON list served at ``/graphiql/examples.json``.

    One ``{"name": …, "query": …, "variables"?: {…}}`` per ``examples/*.graphql`` file,
    in file-name order. ``name`` comes from the file's first line ``# <Example name>``;
    ``query`` is the whole file (that comment included); ``variables`` comes from an
    optional sibling ``<same stem>.variables.json``.
    """
    paths = sorted(EXAMPLES_DIR.glob("*.graphql"), key=lambda p: p.name)
    examples = [_example(path) for path in paths]
    return json.dumps(examples, ensure_ascii=False, indent=1).encode("utf-8")
