"""The curated dataset file: reading it, and refusing it whole when anything is wrong.

``read_dataset`` parses and validates the whole file before anything touches a database: its
shape (``db.entries``), then every rule between entries (``db.rules``). A file that breaks any
raises ``DatasetError`` listing each problem with the entry it concerns.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry
import yaml
from pydantic import ValidationError

from db.entries import Dataset
from db.rules import check_rules

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DATASET_PATH = DATA_DIR / "iom.yaml"
# The dataset version covers the code of the data layer too (every module of db/, which turns the
# file into rows: search terms, country names, texts): a release that derives other rows from
# the same file is a new version, so no cache keeps answers of the old rows. Listing the modules
# one by one would miss the next one added; a change elsewhere in db/ costs one cache refill.
_DATA_LAYER_MODULES = sorted(Path(__file__).parent.glob("*.py"))


class DatasetError(Exception):
    """The dataset file breaks one or more rules; ``problems`` names each entry at fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid dataset:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class LoadedDataset:
    """A validated dataset, the seed page it was checked against and its content hash."""

    dataset: Dataset
    seed_text: str
    content_hash: str
    path: Path


def read_dataset(path: Path = DEFAULT_DATASET_PATH) -> LoadedDataset:
    """Parse and validate the dataset file; raise ``DatasetError`` on any problem."""
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise DatasetError([f"{path}: cannot read the file ({exc.strerror})"]) from exc
    try:
        raw = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise DatasetError([f"{path}: not valid YAML ({exc})"]) from exc
    try:
        dataset = Dataset.model_validate(raw)
    except ValidationError as exc:
        raise DatasetError([_describe_validation_error(raw, err) for err in exc.errors()]) from exc
    seed_path = path.parent / dataset.seed_page.file
    try:
        seed_bytes = seed_path.read_bytes()
    except OSError as exc:
        raise DatasetError([f"seed_page.file: cannot read {seed_path} ({exc.strerror})"]) from exc
    seed_text = seed_bytes.decode("utf-8")
    problems = check_rules(dataset, seed_text)
    if problems:
        raise DatasetError(problems)
    digest = hashlib.sha256()
    for part in (raw_bytes, seed_bytes, f"pycountry={pycountry.__version__}".encode()):
        digest.update(hashlib.sha256(part).digest())
    for module in _DATA_LAYER_MODULES:
        digest.update(hashlib.sha256(module.read_bytes()).digest())
    return LoadedDataset(dataset, seed_text, digest.hexdigest(), path)


def _describe_validation_error(raw: Any, err: Any) -> str:
    """Name the entry (by its slug where it has one) and the field a schema error is about."""
    location = list(err["loc"])
    label = ".".join(str(part) for part in location)
    node = raw
    for depth, part in enumerate(location):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "slug" in node and depth + 1 < len(location):
            label = f"{location[0]} {node['slug']!r}: " + ".".join(
                str(p) for p in location[depth + 1 :]
            )
    return f"{label}: {err['msg']}"
