"""The Data Package built from the dataset in memory: valid by ``frictionless``, the figures of
the real dataset, every office's row equal to GraphQL's answer for it (the export command:
``tests/test_open_data_export.py``)."""

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import frictionless
import pytest
from sqlalchemy import Engine

from resolvers.database import Database
from resolvers.in_memory import InMemoryDataset, read_in_memory
from resolvers.open_data.columns import Table
from resolvers.open_data.package import Package
from resolvers.open_data.tables import OFFICES, SOURCES, TABLES
from tests.conftest import Execute

QUERY = """
query Office($slug: String!, $day: Date!, $lang: Language!) {
  regionalOffice(slug: $slug) {
    slug kind rank seedHeading notes
    name(lang: $lang) city(lang: $lang) location(lang: $lang) region(lang: $lang)
    hostCountry { alpha3 }
    status { text }
    coverage { confidence method sourceUrl }
    inForce(asOf: $day)
    validFrom { value precision sourceUrl quote }
    validFromUnknown
    validUntil { value precision sourceUrl quote }
    validUntilUnknown
    nameText: localizedText(field: NAME, lang: $lang) { language }
    cityText: localizedText(field: CITY, lang: $lang) { language }
    locationText: localizedText(field: LOCATION, lang: $lang) { language }
    regionText: localizedText(field: REGION, lang: $lang) { language }
  }
}
"""
SPRING_2020 = date(2020, 1, 1)


@pytest.fixture(scope="module")
def dataset(seeded_engine: Engine) -> InMemoryDataset:
    return read_in_memory(Database(seeded_engine))


def write(package: Package, directory: Path) -> Path:
    for name, data in package.files():
        (directory / name).write_bytes(data)
    return directory / "datapackage.json"


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def errors_of(report: frictionless.Report) -> list[str]:
    return [error.message for error in report.errors] + [
        f"{task.name}: {error.message}" for task in report.tasks for error in task.errors
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("period", [date.today(), SPRING_2020, None], ids=str)
def test_frictionless_validates_the_package_and_the_document(
    dataset: InMemoryDataset, tmp_path: Path, period: date | None, language: str
) -> None:
    descriptor = write(Package(dataset, period, language), tmp_path)
    assert errors_of(frictionless.validate(str(descriptor))) == []
    assert errors_of(frictionless.validate(str(tmp_path / "iom-graph.json"))) == []


def test_row_counts_of_the_real_dataset(dataset: InMemoryDataset) -> None:
    def counts(period: date | None) -> dict[str, int]:
        package = Package(dataset, period, "en")
        return {table.name: len(package.rows(table)) for table in TABLES}

    # 2020: the nine offices of the seed page and the Global Office in Brussels (no page
    # dates its start: in force, UNCERTAIN before 2024); Brussels' regional office handed its
    # function over to it, a succession both ends of which are in force that day.
    assert counts(SPRING_2020) == {
        "offices": 10,
        "countries": 250,
        "office_countries": 190,
        "institutions": 76,
        "office_institutions": 90,
        "leadership": 6,
        "successions": 1,
        "sources": 1303,
    }
    assert counts(None) == {
        "offices": 12,
        "countries": 250,
        "office_countries": 276,
        "institutions": 76,
        "office_institutions": 90,
        "leadership": 6,
        "successions": 5,
        "sources": 1311,
    }
    package = Package(dataset, SPRING_2020, "fr")
    assert [row["slug"] for row in package.rows(OFFICES)] == [
        "bangkok",
        "brussels",
        "vienna",
        "cairo",
        "dakar",
        "nairobi",
        "pretoria",
        "buenos-aires",
        "san-jose",
        "global-office-brussels",
    ]


def test_sources_name_every_subject_of_the_package(dataset: InMemoryDataset) -> None:
    """The sources' subjects: the entity tables' records (offices: those of the package) and
    the organisation and the notes, which have no table."""
    for period, offices in ((None, 106), (SPRING_2020, 98)):
        rows = Package(dataset, period, "en").rows(SOURCES)
        kinds = Counter(row["subject_type"] for row in rows)
        assert kinds == {
            "country": 761,
            "institution": 387,
            "office": offices,
            "leadership": 27,
            "data_quality_note": 16,
            "organisation": 14,
        }
    subjects = {(row["subject_type"], row["subject"]) for row in rows}
    assert {("country", "KEN"), ("organisation", "iom"), ("leadership", "director-general")} <= (
        subjects
    )


def test_the_description_lists_what_the_tables_hold(dataset: InMemoryDataset) -> None:
    """Each table adds its summary to the package's description (a new table: its own)."""
    assert Package(dataset, SPRING_2020, "fr").descriptor()["description"] == (
        "IOM's offices, the countries they support, the institutions they work with, its "
        "leadership and the sources of each fact; as of 2020-01-01 (`all`: every period), texts "
        "in `fr`."
    )


def test_a_table_has_records_or_a_row_function_not_both() -> None:
    with pytest.raises(ValueError, match="table t: give either records or build_rows"):
        Table("t", "T", "", (), ())
    with pytest.raises(ValueError, match="table t: give either records or build_rows"):
        Table("t", "T", "", (), (), records=lambda _: (), build_rows=lambda _: [])


def test_a_text_missing_in_the_language_is_marked_as_a_fallback(dataset: InMemoryDataset) -> None:
    rows = {row["slug"]: row for row in read_csv(Package(dataset, None, "es").file("offices.csv"))}
    # Nairobi has a Spanish city but no Spanish name: the name falls back to English.
    assert (rows["nairobi"]["city"], rows["nairobi"]["city_language"]) == ("Nairobi", "es")
    assert rows["nairobi"]["name"] == "IOM Regional Office for East and Horn of Africa"
    assert rows["nairobi"]["name_language"] == "en"


def _expected(office: dict[str, Any]) -> dict[str, str]:
    """An office's GraphQL answer as its CSV row writes it (every column of the row)."""

    def bound(name: str) -> dict[str, str]:
        value = office[name] or {}
        return {
            name: value.get("value") or "",
            f"{name}_precision": (value.get("precision") or "").lower(),
            f"{name}_source_url": value.get("sourceUrl") or "",
            f"{name}_quote": value.get("quote") or "",
            f"{name}_unknown": office[f"{name}Unknown"] or "",
        }

    coverage = office["coverage"] or {}
    return {
        "slug": office["slug"],
        "kind": office["kind"].lower(),
        "rank": str(office["rank"]),
        "seed_heading": office["seedHeading"] or "",
        "notes": office["notes"] or "",
        "name": office["name"],
        "city": office["city"] or "",
        "location": office["location"] or "",
        "region": office["region"] or "",
        "host_country": office["hostCountry"]["alpha3"],
        "status_note": (office["status"] or {}).get("text") or "",
        "coverage_confidence": (coverage.get("confidence") or "").lower(),
        "coverage_method": coverage.get("method") or "",
        "coverage_source_url": coverage.get("sourceUrl") or "",
        "in_force": office["inForce"].lower(),
        **{
            f"{text}_language": (office[f"{text}Text"] or {}).get("language", "").lower()
            for text in ("name", "city", "location", "region")
        },
        **bound("validFrom"),
        **bound("validUntil"),
    }


@pytest.mark.parametrize(("period", "language"), [(SPRING_2020, "fr"), (date.today(), "en")])
async def test_each_office_row_equals_the_graphql_answer(
    dataset: InMemoryDataset, execute: Execute, period: date, language: str
) -> None:
    rows = read_csv(Package(dataset, period, language).file("offices.csv"))
    assert len(rows) == (10 if period == SPRING_2020 else 8)
    for row in rows:
        variables = {"slug": row["slug"], "day": period.isoformat(), "lang": language.upper()}
        result = await execute(QUERY, variables)
        assert result.errors is None
        expected = _expected(result.data["regionalOffice"])  # type: ignore[index]
        renamed = {"validFrom": "valid_from", "validUntil": "valid_until"}
        for name, value in expected.items():
            for camel, snake in renamed.items():
                name = name.replace(camel, snake)
            assert row[name] == value, (row["slug"], name)
        assert len(expected) == len(row) == len(OFFICES.columns)


DATASET_QUERY = "{ dataset { version loadedAt licence { name title url attribution } } }"


async def test_the_dataset_field_states_the_packages_version_and_licence(
    dataset: InMemoryDataset, execute: Execute
) -> None:
    result = await execute(DATASET_QUERY)
    assert result.errors is None
    descriptor = Package(dataset, None, "en").descriptor()
    assert result.data == {
        "dataset": {
            "version": descriptor["version"],
            "loadedAt": descriptor["created"].replace("Z", "+00:00"),
            "licence": {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0 International",
                "url": "https://creativecommons.org/licenses/by/4.0/",
                "attribution": descriptor["attribution"],
            },
        }
    }
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    assert len(descriptor["version"]) == 64


def test_data_license_lists_every_source_of_the_package(dataset: InMemoryDataset) -> None:
    text = (Path(__file__).resolve().parent.parent / "DATA-LICENSE.md").read_text()
    listed = [
        line.removeprefix("- <").removesuffix(">")
        for line in text.split("## Sources", 1)[1].splitlines()
        if line.startswith("- <")
    ]
    sources = Package(dataset, None, "en").descriptor()["sources"]
    assert listed == [source["path"] for source in sources]
    assert len(listed) == 70
