"""The history of loads (``db.history``): what each load changed, by natural key, bounded."""

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from db import history, loader
from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from db.derived import DatasetChange, DatasetLoad
from db.loader import load_dataset
from db.version import read_version
from tests.dataset_facts import Dataset, entry, write_variant

ORIGINAL_NAME = "IOM Regional Office for Asia and the Pacific"
EDITED_NAME = "IOM Regional Office for Asia and the Pacific, edited"
# Entities of the curated dataset in the natural view: what the first load adds.
ENTITIES = 985


def edit_bangkok(data: Dataset) -> None:
    entry(data["offices"], "bangkok")["names"]["en"]["text"] = EDITED_NAME


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    return write_variant(tmp_path, edit_bangkok)


def _loads(engine: Engine) -> list[tuple[str, str | None, int, int, int]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(
                    DatasetLoad.content_hash,  # type: ignore[call-overload]
                    DatasetLoad.previous_hash,
                    DatasetLoad.added,
                    DatasetLoad.removed,
                    DatasetLoad.changed,
                ).order_by(DatasetLoad.id)
            )
        ]


def _changes(engine: Engine) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(
                    DatasetChange.entity_type,  # type: ignore[call-overload]
                    DatasetChange.entity_key,
                    DatasetChange.kind,
                    DatasetChange.field,
                    DatasetChange.old_value,
                    DatasetChange.new_value,
                ).order_by(DatasetChange.id)
            )
        ]


def test_an_edit_is_recorded_field_by_field(empty_engine: Engine, edited: Path) -> None:
    original = read_dataset(DEFAULT_DATASET_PATH).content_hash
    new = read_dataset(edited).content_hash
    load_dataset(empty_engine)
    load_dataset(empty_engine, edited)
    load_dataset(empty_engine, edited)  # the same version again: nothing recorded

    assert _loads(empty_engine) == [(original, None, ENTITIES, 0, 0), (new, original, 0, 0, 1)]
    assert _changes(empty_engine) == [
        ("regional_office", "bangkok", "changed", "name.en", ORIGINAL_NAME, EDITED_NAME)
    ]


def test_added_and_removed_entities_by_key(empty_engine: Engine, tmp_path: Path) -> None:
    def drop_a_note(data: Dataset) -> None:
        data["data_quality_notes"] = data["data_quality_notes"][:-1]  # ranks stay

    slug = read_dataset(DEFAULT_DATASET_PATH).dataset.data_quality_notes[-1].slug
    without = write_variant(tmp_path, drop_a_note)
    load_dataset(empty_engine)
    load_dataset(empty_engine, without)
    load_dataset(empty_engine)

    assert _changes(empty_engine) == [
        ("data_quality_note", slug, "removed", None, None, None),
        ("data_quality_note", slug, "added", None, None, None),
    ]


def test_history_keeps_the_newest_loads(empty_engine: Engine, edited: Path) -> None:
    original = read_dataset(DEFAULT_DATASET_PATH).content_hash
    new = read_dataset(edited).content_hash
    for path in (DEFAULT_DATASET_PATH, edited, DEFAULT_DATASET_PATH, edited):
        load_dataset(empty_engine, path, history_versions=2)

    assert _loads(empty_engine) == [(original, new, 0, 0, 1), (new, original, 0, 0, 1)]
    assert [c[4:] for c in _changes(empty_engine)] == [
        (EDITED_NAME, ORIGINAL_NAME),
        (ORIGINAL_NAME, EDITED_NAME),
    ]


def test_a_failed_load_leaves_no_history(
    empty_engine: Engine, edited: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_dataset(empty_engine)
    original = read_version(empty_engine)

    def fail(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "record_load", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        load_dataset(empty_engine, edited)

    assert read_version(empty_engine) == original
    with empty_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(DatasetLoad)).scalar() == 1
        assert connection.execute(select(func.count()).select_from(DatasetChange)).scalar() == 0


def test_prune_keeps_everything_below_the_bound(empty_engine: Engine) -> None:
    load_dataset(empty_engine)
    with empty_engine.begin() as connection:
        assert history.prune(connection, 1) == 0
        assert history.prune(connection, 100) == 0
