"""Two datasets that alternate under reads (``tests.test_dataset_version``,
``tests.test_dataset_reload_http``): the curated file and a copy with one office name and one
institution name edited (rows read by two different statements of a traversal). A response
that mixed the two would show one edited name beside one original name."""

from dataclasses import dataclass
from pathlib import Path

from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from tests.dataset_facts import Dataset, entry, write_variant

OFFICE, INSTITUTION = "bangkok", "escap"
ORIGINAL_NAMES = (
    "IOM Regional Office for Asia and the Pacific",
    "United Nations Economic and Social Commission for Asia and the Pacific",
)
EDITED_NAMES = ("IOM Regional Office for Asia and the Pacific, edited", "ESCAP, edited")
LOADS = 6  # each a full load of the dataset: the slow part of the tests that alternate


@dataclass(frozen=True)
class Datasets:
    """The two files that alternate, and the version (content hash) each one loads as."""

    original: Path
    edited: Path
    original_version: str
    edited_version: str

    def path(self, load: int) -> Path:
        """Odd loads bring the edited file, even loads the original back."""
        return self.edited if load % 2 else self.original

    def version(self, load: int) -> str:
        return self.edited_version if load % 2 else self.original_version

    def names(self, version: str | None) -> tuple[str, str]:
        return {self.original_version: ORIGINAL_NAMES, self.edited_version: EDITED_NAMES}[
            version or ""
        ]


def _edit(data: Dataset) -> None:
    entry(data["offices"], OFFICE)["names"]["en"]["text"] = EDITED_NAMES[0]
    entry(data["institutions"], INSTITUTION)["names"]["en"]["text"] = EDITED_NAMES[1]


def alternating_datasets(directory: Path) -> Datasets:
    """The curated file and its edited copy (written in ``directory``)."""
    edited = write_variant(directory, _edit)
    return Datasets(
        original=DEFAULT_DATASET_PATH,
        edited=edited,
        original_version=read_dataset(DEFAULT_DATASET_PATH).content_hash,
        edited_version=read_dataset(edited).content_hash,
    )
