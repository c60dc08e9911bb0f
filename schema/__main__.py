"""``python -m schema``: write the committed SDLs from the code: ``schema/schema.graphql``, the
contract for clients that do not federate, and ``schema/subgraph.graphql``, the same schema as
an Apollo Federation 2 subgraph (what ``_service { sdl }`` answers).

Both are served by the one ``/graphql``. ``schema.graphql`` stays what it was, as a client that
does not federate has no use for ``@key`` or the two fields gateways call (``_service``,
``_entities``); the subgraph SDL adds exactly those, which ``tests/test_federation_schema.py``
checks."""

from pathlib import Path

from schema.build import build_schema
from schema.federation import standalone_sdl

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"
SUBGRAPH_SDL_PATH = Path(__file__).resolve().parent / "subgraph.graphql"


def sdl() -> str:
    """The contract as the code defines it (limits change no part of it)."""
    return standalone_sdl(build_schema()._schema)


def subgraph_sdl() -> str:
    """The subgraph SDL, as ``_service { sdl }`` prints it."""
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    for path, text in ((SDL_PATH, sdl()), (SUBGRAPH_SDL_PATH, subgraph_sdl())):
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
