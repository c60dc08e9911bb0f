"""``python -m schema``: write the committed SDL (schema/schema.graphql) from the code."""

from pathlib import Path

from schema.build import build_schema

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"


def sdl() -> str:
    """The contract as the code defines it (limits change no part of it)."""
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    SDL_PATH.write_text(sdl(), encoding="utf-8")
    print(f"wrote {SDL_PATH}")
