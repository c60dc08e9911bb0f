"""``python -m schema``: write the committed SDL (schema/schema.graphql) from the code."""

from pathlib import Path

from schema import schema

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"

if __name__ == "__main__":
    SDL_PATH.write_text(schema.as_str() + "\n", encoding="utf-8")
    print(f"wrote {SDL_PATH}")
