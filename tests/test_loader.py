"""Loading validates everything first, writes in one transaction, and applies exact diffs."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

import db.loader
from db.dataset import DatasetError
from db.loader import load_dataset
from tests.dataset_facts import Dataset, entry, write_variant

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN_TO_THE_SCHEMA = (
    "relationship_kinds 'admires': not a value of db.vocabulary.RelationshipKindSlug "
    "(the values the GraphQL schema can serve)"
)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two equal snapshots mean nothing changed."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted(connection.execute(select(table)).all(), key=repr)
            for name, table in metadata.tables.items()
        }


@pytest.fixture
def loaded_engine(empty_engine: Engine) -> Engine:
    load_dataset(empty_engine)
    return empty_engine


def test_second_load_changes_nothing(loaded_engine: Engine) -> None:
    before = snapshot(loaded_engine)
    report = load_dataset(loaded_engine)
    assert report.changed is False
    assert report.previous_hash == report.content_hash
    assert report.summary() == f"no change; dataset version {report.content_hash[:12]} kept"
    assert snapshot(loaded_engine) == before


def _unknown_iso_code(data: Dataset) -> None:
    entry(data["offices"], "nairobi")["coverage"]["countries"].append("ZZZ")


def _duplicate_slug(data: Dataset) -> None:
    data["institutions"].append(dict(entry(data["institutions"], "escwa")))


def _unknown_institution(data: Dataset) -> None:
    entry(data["links"], "link-038")["institution"] = "no-such-body"


def _relationship_outside_vocabulary(data: Dataset) -> None:
    entry(data["links"], "link-038")["relationship"] = "admires"


def _relationship_unknown_to_the_schema(data: Dataset) -> None:
    data["relationship_kinds"]["admires"] = "admire"
    entry(data["links"], "link-038")["relationship"] = "admires"


def _institution_kind_unknown_to_the_schema(data: Dataset) -> None:
    data["institution_kinds"].append("think_tank")
    entry(data["institutions"], "escwa")["kind"] = "think_tank"


def _phrase_not_in_seed(data: Dataset) -> None:
    entry(data["links"], "link-038")["phrase_fr"] = "et la Commission inventée"


def _country_in_two_offices(data: Dataset) -> None:
    entry(data["offices"], "pretoria")["coverage"]["countries"].append("TZA")


def _unknown_predecessor(data: Dataset) -> None:
    entry(data["offices"], "europe-central-asia")["predecessors"][0]["office"] = "no-such-office"


def _ends_before_it_begins(data: Dataset) -> None:
    ended = dict(entry(data["offices"], "vienna")["valid_until"], value="2020")
    entry(data["offices"], "europe-central-asia")["valid_until"] = ended


def _successor_starts_elsewhere(data: Dataset) -> None:
    successor = entry(data["offices"], "europe-central-asia")
    successor["predecessors"] = successor["predecessors"][:1]  # Vienna only
    successor["valid_from"]["value"] = "2025"


def _liaison_office_with_coverage(data: Dataset) -> None:
    entry(data["offices"], "global-office-brussels")["coverage"] = {
        "confidence": "low",
        "source": None,
        "method": "invented",
        "countries": [],
    }


def _function_taken_over_without_derivation(data: Dataset) -> None:
    del entry(data["offices"], "global-office-brussels")["predecessors"][0]["derivation"]


def _two_offices_at_one_moment(data: Dataset) -> None:
    successor = entry(data["offices"], "europe-central-asia")
    successor["predecessors"] = []
    successor["valid_from"]["value"] = "2020"
    successor["coverage"]["countries"] = ["ALB"]


def _malformed_date(data: Dataset) -> None:
    entry(data["offices"], "brussels")["valid_from"]["value"] = "2011-13"


def _date_without_reason(data: Dataset) -> None:
    del entry(data["offices"], "nairobi")["valid_until"]["unknown"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_unknown_iso_code, "office 'nairobi' coverage: unknown ISO 3166-1 alpha-3 code 'ZZZ'"),
        (_duplicate_slug, "institution 'escwa': duplicate slug"),
        (_unknown_institution, "link 'link-038': unknown institution 'no-such-body'"),
        (
            _relationship_outside_vocabulary,
            "link 'link-038': relationship 'admires' is not in relationship_kinds",
        ),
        (_relationship_unknown_to_the_schema, UNKNOWN_TO_THE_SCHEMA),
        (
            _institution_kind_unknown_to_the_schema,
            "institution_kinds 'think_tank': not a value of db.vocabulary.InstitutionKindSlug "
            "(the values the GraphQL schema can serve)",
        ),
        (
            _phrase_not_in_seed,
            "link 'link-038' phrase_fr: phrase not found in the seed page: "
            "'et la Commission inventée'",
        ),
        (
            _country_in_two_offices,
            "office 'pretoria' coverage: TZA is already supported by office 'nairobi'",
        ),
        (
            _unknown_predecessor,
            "office 'europe-central-asia' predecessors: unknown office 'no-such-office'",
        ),
        (
            _ends_before_it_begins,
            "office 'europe-central-asia': valid_until 2020 is before valid_from 2024",
        ),
        (
            _successor_starts_elsewhere,
            "office 'europe-central-asia' predecessors: 'vienna' ends 2024 (year) but "
            "'europe-central-asia' starts 2025 (year); a successor starts where its predecessor "
            "ends",
        ),
        (
            _liaison_office_with_coverage,
            "office 'global-office-brussels': a regional office needs its coverage, a liaison "
            "office has none",
        ),
        (
            _function_taken_over_without_derivation,
            "office 'global-office-brussels' predecessors: 'brussels' took over a function; say "
            "how that is known (derivation)",
        ),
        (
            _two_offices_at_one_moment,
            "office 'europe-central-asia' coverage: ALB is already supported by office 'vienna'",
        ),
        (
            _malformed_date,
            "office 'brussels' valid_from: '2011-13' is not a date (month must be in 1..12)",
        ),
        (
            _date_without_reason,
            "office 'nairobi' valid_until: no value and no `unknown` saying why",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(
    loaded_engine: Engine, tmp_path: Path, change: Callable[[Dataset], None], message: str
) -> None:
    before = snapshot(loaded_engine)
    with pytest.raises(DatasetError) as refused:
        load_dataset(loaded_engine, write_variant(tmp_path, change))
    assert refused.value.problems == [message]
    assert snapshot(loaded_engine) == before


def test_schema_errors_name_the_entry(loaded_engine: Engine, tmp_path: Path) -> None:
    def no_kind(data: Dataset) -> None:
        del entry(data["institutions"], "escwa")["kind"]

    with pytest.raises(DatasetError) as refused:
        load_dataset(loaded_engine, write_variant(tmp_path, no_kind))
    assert refused.value.problems == ["institutions 'escwa': kind: Field required"]


def test_a_failure_while_writing_rolls_everything_back(
    loaded_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rename(data: Dataset) -> None:
        entry(data["institutions"], "escwa")["names"]["en"]["text"] = "ESCWA (renamed)"
        data["links"] = [link for link in data["links"] if link["slug"] != "link-084"]

    before = snapshot(loaded_engine)
    real_sync = db.loader._sync
    calls = 0

    def failing_sync(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 13:  # after every entity table is written, inside the same transaction
            raise RuntimeError("disk full")
        return real_sync(*args)

    monkeypatch.setattr(db.loader, "_sync", failing_sync)
    with pytest.raises(RuntimeError, match="disk full"):
        load_dataset(loaded_engine, write_variant(tmp_path, rename))
    assert snapshot(loaded_engine) == before


def test_cli_check_and_load(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    check = subprocess.run(
        [sys.executable, "-m", "db", "check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(
        "iom.yaml: valid: 12 offices, 76 institutions, 90 links, 190 supported countries, "
        "20 data-quality notes; version "
    )
    first = subprocess.run(
        [sys.executable, "-m", "db", "--database-url", url, "load"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    assert "  office_institution_link: 90 rows" in first.stdout
    assert "  institution                  +76" in first.stdout
    second = subprocess.run(
        [sys.executable, "-m", "db", "--database-url", url, "load"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "no change; dataset version" in second.stdout


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            _relationship_outside_vocabulary,
            "link 'link-038': relationship 'admires' is not in relationship_kinds",
        ),
        (_relationship_unknown_to_the_schema, UNKNOWN_TO_THE_SCHEMA),
    ],
)
def test_cli_reports_bad_files(
    tmp_path: Path, change: Callable[[Dataset], None], problem: str
) -> None:
    path = write_variant(tmp_path, change)
    result = subprocess.run(
        [sys.executable, "-m", "db", "check", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == f"invalid dataset:\n  - {problem}\n"
