"""``datasetVersions`` and ``datasetChanges(since:)``: the history over GraphQL."""

from pathlib import Path

from sqlalchemy import Engine

from db.dataset import DEFAULT_DATASET_PATH, read_dataset
from db.loader import load_dataset
from tests.conftest import make_execute
from tests.dataset_facts import write_variant
from tests.test_dataset_history import EDITED_NAME, ENTITIES, ORIGINAL_NAME, edit_bangkok

VERSIONS = """
query Versions($first: Int) {
  datasetVersions(first: $first) {
    totalCount
    nodes {
      version previousVersion added removed changed
      changes { totalCount nodes { entityType entityKey kind field oldValue newValue } }
    }
  }
}
"""
CHANGES = """
query Changes($since: String!) {
  datasetChanges(since: $since) {
    since version
    changes { totalCount nodes { version entityType entityKey kind field oldValue newValue } }
  }
}
"""
BANGKOK = {
    "entityType": "regional_office",
    "entityKey": "bangkok",
    "kind": "CHANGED",
    "field": "name.en",
}


async def test_versions_newest_first_with_their_changes(
    empty_engine: Engine, tmp_path: Path
) -> None:
    edited = write_variant(tmp_path, edit_bangkok)
    original, new = (read_dataset(p).content_hash for p in (DEFAULT_DATASET_PATH, edited))
    load_dataset(empty_engine)
    load_dataset(empty_engine, edited)

    result = await make_execute(empty_engine)(VERSIONS, {"first": 5})

    assert result.errors is None
    assert result.data == {
        "datasetVersions": {
            "totalCount": 2,
            "nodes": [
                {
                    "version": new,
                    "previousVersion": original,
                    "added": 0,
                    "removed": 0,
                    "changed": 1,
                    "changes": {
                        "totalCount": 1,
                        "nodes": [{**BANGKOK, "oldValue": ORIGINAL_NAME, "newValue": EDITED_NAME}],
                    },
                },
                {
                    "version": original,
                    "previousVersion": None,
                    "added": ENTITIES,
                    "removed": 0,
                    "changed": 0,
                    "changes": {"totalCount": 0, "nodes": []},
                },
            ],
        }
    }


async def test_changes_since_fold_successive_loads(empty_engine: Engine, tmp_path: Path) -> None:
    edited = write_variant(tmp_path, edit_bangkok)
    original, new = (read_dataset(p).content_hash for p in (DEFAULT_DATASET_PATH, edited))
    load_dataset(empty_engine)
    load_dataset(empty_engine, edited)
    execute = make_execute(empty_engine)

    since_original = await execute(CHANGES, {"since": original})
    since_new = await execute(CHANGES, {"since": new})
    load_dataset(empty_engine)  # back: nothing changed since the original, net
    back = await execute(CHANGES, {"since": original})
    since_edit = await execute(CHANGES, {"since": new})

    assert since_original.errors is None
    assert since_original.data == {
        "datasetChanges": {
            "since": original,
            "version": new,
            "changes": {
                "totalCount": 1,
                "nodes": [
                    {
                        **BANGKOK,
                        "version": new,
                        "oldValue": ORIGINAL_NAME,
                        "newValue": EDITED_NAME,
                    }
                ],
            },
        }
    }
    assert since_new.data == {
        "datasetChanges": {
            "since": new,
            "version": new,
            "changes": {"totalCount": 0, "nodes": []},
        }
    }
    assert back.data == {
        "datasetChanges": {
            "since": original,
            "version": original,
            "changes": {"totalCount": 0, "nodes": []},
        }
    }
    assert since_edit.data is not None
    assert since_edit.data["datasetChanges"]["changes"]["nodes"] == [
        {**BANGKOK, "version": original, "oldValue": EDITED_NAME, "newValue": ORIGINAL_NAME}
    ]


async def test_an_unknown_version_is_a_coded_error(seeded_engine: Engine) -> None:
    result = await make_execute(seeded_engine)(CHANGES, {"since": "0" * 64})

    assert result.data is None
    assert result.errors is not None
    assert [(e.message, e.extensions) for e in result.errors] == [
        (
            f"dataset version {'0' * 64!r} is not in the history kept (the newest 1 versions; "
            "see datasetVersions): read the dataset afresh",
            {"code": "UNKNOWN_DATASET_VERSION", "argument": "since"},
        )
    ]


async def test_a_long_version_is_refused_before_reading(seeded_engine: Engine) -> None:
    result = await make_execute(seeded_engine)(CHANGES, {"since": "a" * 65})

    assert result.errors is not None
    assert [e.extensions for e in result.errors] == [
        {"code": "BAD_USER_INPUT", "argument": "since"}
    ]
