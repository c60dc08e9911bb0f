"""Expected facts read straight from the curated dataset file, independently of the database."""

import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from db.dataset import DEFAULT_DATASET_PATH
from resolvers import in_memory

Dataset = dict[str, Any]
EXAMPLES = Path(__file__).resolve().parent.parent / "service" / "graphiql" / "examples"
# The regional offices in the seed page's order (in force 2011 to 2024), and those in force
# on any day from 2025: the five unchanged offices and the two 2024 successors.
NINE = [
    "bangkok",
    "brussels",
    "vienna",
    "cairo",
    "dakar",
    "nairobi",
    "pretoria",
    "buenos-aires",
    "san-jose",
]
SEVEN = ["bangkok", "cairo", "dakar", "nairobi", "pretoria", "europe-central-asia", "americas"]


@cache
def curated() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_DATASET_PATH.read_text(encoding="utf-8"))
    return data


# Reading the dataset into memory, in one transaction: its version, 34 lists of every key, 29
# batch functions (one per edge), the organisation, the search terms, 24 list sizes, and the
# load time (GraphQL's `dataset { loadedAt }`, the Data Package's `created`): 91, counted from
# the edges' declarations (tests/test_traversal.py measures each part).
READ_IN_MEMORY_STATEMENTS = in_memory.READ_IN_MEMORY_STATEMENTS


def example(name: str) -> str:
    """The text of a GraphiQL example: tests run the very queries GraphiQL opens with."""
    return (EXAMPLES / f"{name}.graphql").read_text(encoding="utf-8")


def office_countries() -> dict[str, list[str]]:
    """Office slug -> its supported countries (none for the liaison office, which has no
    coverage)."""
    return {
        o["slug"]: sorted(o["coverage"]["countries"]) if o["coverage"] else []
        for o in curated()["offices"]
    }


def office_links() -> dict[str, list[tuple[str, str, str]]]:
    """Office slug -> [(institution slug, relationship, phrase)] in the seed page's order."""
    links: dict[str, list[tuple[str, str, str]]] = {o["slug"]: [] for o in curated()["offices"]}
    for link in curated()["links"]:
        phrase = link.get("phrase_fr") or link["quote"]  # the seed's, or another page's
        links[link["office"]].append((link["institution"], link["relationship"], phrase))
    return links


def institution_offices() -> dict[str, list[tuple[str, str]]]:
    """Institution slug -> [(office slug, relationship)] in the seed page's order."""
    offices: dict[str, list[tuple[str, str]]] = {i["slug"]: [] for i in curated()["institutions"]}
    for link in curated()["links"]:
        offices[link["institution"]].append((link["office"], link["relationship"]))
    return offices


def write_variant(directory: Path, change: Callable[[Dataset], None]) -> Path:
    """A copy of the curated dataset (and its seed page) with ``change`` applied."""
    data = yaml.safe_load(DEFAULT_DATASET_PATH.read_text(encoding="utf-8"))
    change(data)
    shutil.copytree(DEFAULT_DATASET_PATH.parent / "seed", directory / "seed", dirs_exist_ok=True)
    path = directory / "iom.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def entry(entries: list[Dataset], slug: str) -> Dataset:
    return next(e for e in entries if e["slug"] == slug)
