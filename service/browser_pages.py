"""What the browser pages (GraphiQL, the map) share: a page served under its own
Content-Security-Policy, and routes for exactly the files it loads, cached by content.

Each file's ETag is a hash of its content. The page links each file with that hash as its
version (``/graphiql/vendor/graphiql.min.js?v=<hash>``): a URL whose content can never
change, so it is served ``public, max-age=31536000, immutable`` and a browser never asks
for it again (the 978 KB GraphiQL bundle was resent on every revalidation). The page itself,
and a file asked for without its current version, are ``no-cache``: revalidated, and
answered 304 when the client's ``If-None-Match`` names the ETag (issue 22.9).
"""

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from service.request import etag_matches

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class Asset:
    """One file a page loads: where it is, its media type and its content's version."""

    path: Path
    media_type: str
    version: str

    @classmethod
    def of(cls, path: Path, media_type: str) -> "Asset":
        return cls(path, media_type, content_version(path.read_bytes()))

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def content_version(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:20]


def assets_of(directory: Path, media_types: dict[str, str]) -> dict[str, Asset]:
    """The files ``media_types`` names (relative to ``directory``), each read once to hash."""
    return {name: Asset.of(directory / name, media) for name, media in media_types.items()}


def html_page(
    path: Path,
    content_security_policy: str,
    url_prefix: str = "",
    assets: dict[str, Asset] | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint serving the HTML file ``path`` under ``content_security_policy``, its
    links to ``url_prefix + name`` for each of ``assets`` given their versions."""
    html = path.read_text(encoding="utf-8")
    for name, asset in (assets or {}).items():
        url = url_prefix + name
        html = html.replace(f'"{url}"', f'"{url}?v={asset.version}"')
    body = html.encode("utf-8")
    headers = {
        "Content-Security-Policy": content_security_policy,
        "Cache-Control": REVALIDATE,
        "ETag": f'"{content_version(body)}"',
    }

    async def page(request: Request) -> Response:
        if etag_matches(request, headers["ETag"]):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)

    return page


def asset_routes(url_prefix: str, assets: dict[str, Asset]) -> list[BaseRoute]:
    """A route at ``url_prefix + name`` for each file of ``assets``; nothing else from its
    folder is served."""
    return [Route(url_prefix + name, partial(_asset, asset)) for name, asset in assets.items()]


async def _asset(asset: Asset, request: Request) -> Response:
    current = request.query_params.get("v") == asset.version
    headers = {"ETag": asset.etag, "Cache-Control": IMMUTABLE if current else REVALIDATE}
    if etag_matches(request, asset.etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(asset.path, media_type=asset.media_type, headers=headers)
