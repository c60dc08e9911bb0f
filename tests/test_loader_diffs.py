"""What a load writes: the successor offices with their edges and countries, validity with its
source, and an edited file applied as exactly its difference (validation and atomicity:
``tests.test_loader``)."""

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.loader import load_dataset
from db.models import (
    Institution,
    OfficeInstitutionLink,
    OfficeSuccession,
    RegionalOffice,
    Translation,
)
from tests.dataset_facts import Dataset, entry, write_variant

SUCCESSORS = ("office:europe-central-asia", "office:americas", "office:global-office-brussels")


@pytest.fixture
def loaded_engine(empty_engine: Engine) -> Engine:
    load_dataset(empty_engine)
    return empty_engine


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
