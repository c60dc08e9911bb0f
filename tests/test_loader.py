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
from db.models import (
    Institution,
    OfficeInstitutionLink,
    OfficeSuccession,
    RegionalOffice,
    Translation,
)
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


SUCCESSORS = ("office:europe-central-asia", "office:americas", "office:global-office-brussels")


def test_the_successors_come_and_go_with_their_edges_and_countries(
    loaded_engine: Engine, tmp_path: Path
) -> None:
    def without_successors(data: Dataset) -> None:
        data["offices"] = [o for o in data["offices"] if o["seed_heading"] is not None]
        kept = {o["slug"] for o in data["offices"]}
        data["links"] = [link for link in data["links"] if link["office"] in kept]
        for note in data["data_quality_notes"]:
            note["concerns"] = [c for c in note["concerns"] if c not in SUCCESSORS]

    with loaded_engine.connect() as connection:
        edges = connection.execute(
            select(OfficeSuccession.kind, OfficeSuccession.confidence)  # type: ignore[call-overload]
        ).all()
    assert sorted(edges) == [("merged_into", "high")] * 4 + [("took_over_function", "medium")]
    report = load_dataset(loaded_engine, write_variant(tmp_path, without_successors))
    assert report.changes["regional_office"].deleted == 3
    assert report.changes["office_succession"].deleted == 5
    assert report.changes["office_institution_link"].deleted == 1  # the Global Office's EU link
    assert report.changes["office_country"].deleted == 51 + 35
    restore = load_dataset(loaded_engine)
    assert restore.changes["office_succession"].inserted == 5
    assert restore.changes["office_country"].inserted == 51 + 35


def test_validity_is_stored_with_its_source(loaded_engine: Engine) -> None:
    with loaded_engine.connect() as connection:
        rows = connection.execute(
            select(  # type: ignore[call-overload]
                RegionalOffice.slug,
                RegionalOffice.valid_from,
                RegionalOffice.valid_from_precision,
                RegionalOffice.valid_until,
                RegionalOffice.valid_until_precision,
                RegionalOffice.valid_until_source_url,
            ).order_by(RegionalOffice.rank)
        ).all()
    eca = "https://eca.iom.int/iom-europe-and-central-asia"
    americas = "https://americas.iom.int/es/oficina-regional"
    assert rows == [
        ("bangkok", None, None, None, None, None),
        ("brussels", "2011-09", "month", "2024", "year", eca),
        ("vienna", "2011", "year", "2024", "year", eca),
        ("cairo", None, None, None, None, None),
        ("dakar", None, None, None, None, None),
        ("nairobi", None, None, None, None, None),
        ("pretoria", None, None, None, None, None),
        ("buenos-aires", "2011-07", "month", "2024", "year", americas),
        ("san-jose", None, None, "2024", "year", americas),
        ("europe-central-asia", "2024", "year", None, None, None),
        ("americas", "2024", "year", None, None, None),
        ("global-office-brussels", None, None, None, None, None),
    ]


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


def test_an_edited_file_applies_exactly_the_difference(
    loaded_engine: Engine, tmp_path: Path
) -> None:
    def edit(data: Dataset) -> None:
        entry(data["institutions"], "escwa")["names"]["en"]["text"] = "ESCWA, renamed"
        data["links"] = [link for link in data["links"] if link["slug"] != "link-084"]
        data["institutions"] = [i for i in data["institutions"] if i["slug"] != "paho"]
        for note in data["data_quality_notes"]:
            note["concerns"] = [c for c in note["concerns"] if c != "institution:paho"]

    first_version = load_dataset(loaded_engine).content_hash
    report = load_dataset(loaded_engine, write_variant(tmp_path, edit))
    assert report.previous_hash == first_version
    assert report.content_hash != first_version
    changes = {
        name: (c.inserted, c.updated, c.deleted) for name, c in report.changes.items() if c.total
    }
    # One deleted; the Global Office's link, after it in the file, moves up one rank.
    assert changes["office_institution_link"] == (0, 1, 1)
    assert changes["institution"] == (0, 0, 1)
    assert changes["translation"][1] == 1  # the one renamed text
    with loaded_engine.connect() as connection:
        slugs = set(connection.execute(select(Institution.slug)).scalars())
        links = connection.execute(select(OfficeInstitutionLink.slug)).scalars().all()
        escwa = connection.execute(
            select(Translation.text)
            .join(
                Institution,
                (Institution.id == Translation.subject_id)
                & (Translation.subject_type == "institution"),
            )  # type: ignore[arg-type]
            .where(
                Institution.slug == "escwa",
                Translation.field == "name",
                Translation.language == "en",
            )
        ).scalar_one()
    assert len(slugs) == 75
    assert "paho" not in slugs
    assert len(links) == 89
    assert escwa == "ESCWA, renamed"
    # and back again: the original file restores the original rows
    restore = load_dataset(loaded_engine)
    assert restore.content_hash == first_version
    assert restore.changes["institution"].inserted == 1


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
