"""What the browser pages (GraphiQL, the map) share: a page served under its own
Content-Security-Policy, and routes for exactly the files it loads."""

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route


def html_page(path: Path, content_security_policy: str) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint serving the HTML file ``path`` under ``content_security_policy``."""

    async def page(_request: Request) -> Response:
        return FileResponse(
            path,
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": content_security_policy,
                "Cache-Control": "no-cache",
            },
        )

    return page


def asset_routes(url_prefix: str, directory: Path, assets: dict[str, str]) -> list[BaseRoute]:
    """A route at ``url_prefix + name`` for each file ``name`` of ``assets`` (relative to
    ``directory``) with its media type; nothing else from ``directory`` is served."""
    return [
        Route(url_prefix + name, partial(_asset, directory / name, media_type))
        for name, media_type in assets.items()
    ]


async def _asset(path: Path, media_type: str, _request: Request) -> Response:
    return FileResponse(path, media_type=media_type)
