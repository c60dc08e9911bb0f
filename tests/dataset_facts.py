"""Expected facts read straight from the curated dataset file, independently of the database."""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from db.dataset import DEFAULT_DATASET_PATH

EXAMPLES = Path(__file__).resolve().parent.parent / "schema" / "graphiql" / "examples"


@cache
def curated() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_DATASET_PATH.read_text(encoding="utf-8"))
    return data


def example(name: str) -> str:
    """The text of a GraphiQL example: tests run the very queries GraphiQL opens with."""
    return (EXAMPLES / f"{name}.graphql").read_text(encoding="utf-8")


def office_countries() -> dict[str, list[str]]:
    return {o["slug"]: sorted(o["coverage"]["countries"]) for o in curated()["offices"]}


def office_links() -> dict[str, list[tuple[str, str, str]]]:
    """Office slug -> [(institution slug, relationship, phrase)] in the seed page's order."""
    links: dict[str, list[tuple[str, str, str]]] = {o["slug"]: [] for o in curated()["offices"]}
    for link in curated()["links"]:
        links[link["office"]].append((link["institution"], link["relationship"], link["phrase_fr"]))
    return links


def institution_offices() -> dict[str, list[tuple[str, str]]]:
    """Institution slug -> [(office slug, relationship)] in the seed page's order."""
    offices: dict[str, list[tuple[str, str]]] = {i["slug"]: [] for i in curated()["institutions"]}
    for link in curated()["links"]:
        offices[link["institution"]].append((link["office"], link["relationship"]))
    return offices
