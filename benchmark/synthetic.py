"""Synthetic rows for scale runs (the benchmark's ten-times-the-data servers, the traversal test):
the real dataset, then copies of it until it is ``factor`` times as large (offices, their
countries, institutions, links and their names)."""

import itertools
import string
from typing import Any

from sqlalchemy import Engine, insert, select

from db.loader import load_dataset
from db.models import (
    Country,
    Institution,
    OfficeCountry,
    OfficeInstitutionLink,
    OfficeSuccession,
    RegionalOffice,
    Translation,
)

_t = {
    model.__name__: model.__table__
    for model in (  # type: ignore[attr-defined]
        Country,
        Institution,
        OfficeCountry,
        OfficeInstitutionLink,
        OfficeSuccession,
        RegionalOffice,
        Translation,
    )
}


def _codes() -> Any:
    """Codes no real country uses (lower-case first character)."""
    first = string.ascii_lowercase + string.digits
    second = string.ascii_letters + string.digits
    for a, b in itertools.product(first, second):
        yield a + b, f"{a}{b}z"


def multiply_dataset(engine: Engine, factor: int) -> None:
    load_dataset(engine)
    codes = _codes()
    with engine.begin() as connection:
        offices = [dict(r._mapping) for r in connection.execute(select(_t["RegionalOffice"]))]
        institutions = [dict(r._mapping) for r in connection.execute(select(_t["Institution"]))]
        links = [dict(r._mapping) for r in connection.execute(select(_t["OfficeInstitutionLink"]))]
        coverage = [dict(r._mapping) for r in connection.execute(select(_t["OfficeCountry"]))]
        successions = [dict(r._mapping) for r in connection.execute(select(_t["OfficeSuccession"]))]
        texts: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for row in connection.execute(select(_t["Translation"])):
            texts.setdefault((row.subject_type, row.subject_id), []).append(dict(row._mapping))
        rank = 1000
        for copy in range(1, factor):
            office_ids: dict[int, int] = {}
            institution_ids: dict[int, int] = {}
            translations: list[dict[str, Any]] = []
            for office in offices:
                rank += 1
                values = {k: v for k, v in office.items() if k != "id"}
                values.update(slug=f"{office['slug']}-copy-{copy}", rank=rank)
                new_id = connection.execute(
                    insert(_t["RegionalOffice"]).values(values)
                ).inserted_primary_key[0]  # type: ignore[index]
                office_ids[office["id"]] = new_id
                translations += _copies(texts[("office", office["id"])], new_id, copy)
            # One copy of each supported country, supported by the copies of its offices
            # (successive offices of one country stay successive).
            country_ids: dict[int, int] = {}
            for row in coverage:
                if row["country_id"] in country_ids:
                    connection.execute(
                        insert(_t["OfficeCountry"]).values(
                            country_id=country_ids[row["country_id"]],
                            office_id=office_ids[row["office_id"]],
                            inferred=False,
                        )
                    )
                    continue
                alpha2, alpha3 = next(codes)
                country_id = connection.execute(
                    insert(_t["Country"]).values(
                        alpha2=alpha2, alpha3=alpha3, is_iso=False, note="synthetic"
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                country_ids[row["country_id"]] = country_id
                connection.execute(
                    insert(_t["OfficeCountry"]).values(
                        country_id=country_id,
                        office_id=office_ids[row["office_id"]],
                        inferred=False,
                    )
                )
                translations.append(
                    {
                        "subject_type": "country",
                        "subject_id": country_id,
                        "field": "name",
                        "language": "en",
                        "text": f"Synthetic {alpha3}",
                        "source_url": None,
                        "basis": "synthetic",
                        "source_kind": "editorial",
                        "confidence": "low",
                        "seed_phrase": None,
                    }
                )
            for institution in institutions:
                values = {k: v for k, v in institution.items() if k not in ("id", "parent_id")}
                values["slug"] = f"{institution['slug']}-copy-{copy}"
                new_id = connection.execute(
                    insert(_t["Institution"]).values(values)
                ).inserted_primary_key[0]  # type: ignore[index]
                institution_ids[institution["id"]] = new_id
                translations += _copies(texts[("institution", institution["id"])], new_id, copy)
            for link in links:
                rank += 1
                values = {k: v for k, v in link.items() if k != "id"}
                values.update(
                    slug=f"{link['slug']}-copy-{copy}",
                    rank=rank,
                    office_id=office_ids[link["office_id"]],
                    institution_id=institution_ids[link["institution_id"]],
                )
                connection.execute(insert(_t["OfficeInstitutionLink"]).values(values))
            for succession in successions:
                connection.execute(
                    insert(_t["OfficeSuccession"]).values(
                        {
                            **succession,
                            "predecessor_id": office_ids[succession["predecessor_id"]],
                            "successor_id": office_ids[succession["successor_id"]],
                        }
                    )
                )
            connection.execute(insert(_t["Translation"]), translations)


def _copies(rows: list[dict[str, Any]], subject_id: int, copy: int) -> list[dict[str, Any]]:
    return [
        {
            **{k: v for k, v in row.items() if k != "id"},
            "subject_id": subject_id,
            "text": f"{row['text']} (copy {copy})",
            "basis": "synthetic",
        }
        for row in rows
    ]
