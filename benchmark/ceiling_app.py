"""The ceiling: a bare Starlette app answering POST /graphql with precomputed bytes.

The bytes are iom-graph's own response to the full traversal, read at start-up from the file
named by ``IOM_GRAPH_BENCH_CEILING_BODY``. No parsing, no execution, no middleware: what
uvicorn + Starlette can do on this machine with a response of this size.

    IOM_GRAPH_BENCH_CEILING_BODY=body.json uvicorn --factory benchmark.ceiling_app:create_app
"""

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY_FILE_ENV = "IOM_GRAPH_BENCH_CEILING_BODY"
MEDIA_TYPE = "application/json; charset=utf-8"


def create_app() -> Starlette:
    body = Path(os.environ[BODY_FILE_ENV]).read_bytes()

    async def graphql(_request: Request) -> Response:
        return Response(body, media_type=MEDIA_TYPE)

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
