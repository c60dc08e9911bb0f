"""The data layer holds exactly the curated dataset, on SQLite and on PostgreSQL (issue 2)."""

import pycountry
import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from db.models import (
    Country,
    DataQualityNote,
    DataQualityNoteSubject,
    Institution,
    LeadershipUnit,
    OfficeCountry,
    OfficeInstitutionLink,
    Organisation,
    RegionalOffice,
    Translation,
)

NAIROBI_COUNTRIES = ["BDI", "DJI", "ERI", "ETH", "KEN", "RWA", "SOM", "SSD", "TZA", "UGA"]
HOST_COUNTRIES = {
    "bangkok": "THA",
    "brussels": "BEL",
    "vienna": "AUT",
    "cairo": "EGY",
    "dakar": "SEN",
    "nairobi": "KEN",
    "pretoria": "ZAF",
    "buenos-aires": "ARG",
    "san-jose": "CRI",
    "europe-central-asia": "AUT",
    "americas": "PAN",
    "global-office-brussels": "BEL",
}
COUNTRIES_PER_OFFICE = {
    "bangkok": (39, "low"),
    "brussels": (31, "medium"),
    "vienna": (20, "high"),
    "cairo": (17, "medium"),
    "dakar": (23, "medium"),
    "nairobi": (10, "high"),
    "pretoria": (15, "high"),
    "buenos-aires": (10, "high"),
    "san-jose": (25, "low"),
    # The 2024 successors: derived unions of their predecessors' lists.
    "europe-central-asia": (51, "low"),
    "americas": (35, "low"),
}


def count(engine: Engine, model: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())  # type: ignore[arg-type]


def test_the_organisation(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        rows = connection.execute(select(Organisation)).mappings().all()  # type: ignore[call-overload]
        hq = connection.execute(
            select(Country.alpha3).where(Country.id == rows[0]["headquarters_country_id"])
        ).scalar_one()  # type: ignore[arg-type]
    assert len(rows) == 1
    org = rows[0]
    assert (org["slug"], org["founded_year"], org["member_states"], org["countries_present"]) == (
        "iom",
        1951,
        175,
        171,
    )
    assert org["un_system_member"] is True
    assert hq == "CHE"


def test_leadership_and_reporting_lines(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        units = {row.id: row for row in connection.execute(select(LeadershipUnit))}  # type: ignore[call-overload]
    by_slug = {u.slug: u for u in units.values()}
    reports_to = {
        u.slug: units[u.reports_to_id].slug if u.reports_to_id else None for u in units.values()
    }
    assert reports_to == {
        "director-general": None,
        "ddg-management-reform": "director-general",
        "ddg-operations": "director-general",
        "office-chief-of-staff": "director-general",
        "office-partnerships-advocacy-communications": "director-general",
        "office-strategy-performance": "director-general",
    }
    assert by_slug["ddg-management-reform"].holder_name == "Irena Vojáčková-Sollorano"
    assert by_slug["ddg-management-reform"].holder_interim is True
    assert by_slug["director-general"].holder_name == "Amy E. Pope"
    assert by_slug["office-chief-of-staff"].holder_name is None


def test_counts(seeded_engine: Engine) -> None:
    # The seed page's nine, two successors and the Global Office in Brussels.
    assert count(seeded_engine, RegionalOffice) == 12
    assert count(seeded_engine, Institution) == 76
    assert count(seeded_engine, OfficeInstitutionLink) == 90
    assert count(seeded_engine, OfficeCountry) == 190 + 51 + 35
    assert count(seeded_engine, DataQualityNote) == 20  # issue 23: successors-without-institutions


def test_every_iso_country_exists_plus_kosovo(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        codes = set(connection.execute(select(Country.alpha3)).scalars())
        kosovo = connection.execute(select(Country).where(Country.alpha3 == "XKX")).one()  # type: ignore[call-overload]
    assert codes == {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    assert len(codes) == 250
    assert (kosovo.alpha2, kosovo.is_iso) == ("XK", False)


def test_coverage_per_office(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        rows = connection.execute(
            select(RegionalOffice.slug, RegionalOffice.coverage_confidence, func.count())
            .join(OfficeCountry, OfficeCountry.office_id == RegionalOffice.id)  # type: ignore[arg-type]
            .group_by(RegionalOffice.slug, RegionalOffice.coverage_confidence)
        ).all()
    assert {slug: (n, confidence) for slug, confidence, n in rows} == COUNTRIES_PER_OFFICE


def test_nairobi_supports_exactly_these_countries(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        codes = (
            connection.execute(
                select(Country.alpha3)
                .join(OfficeCountry, OfficeCountry.country_id == Country.id)  # type: ignore[arg-type]
                .join(RegionalOffice, RegionalOffice.id == OfficeCountry.office_id)  # type: ignore[arg-type]
                .where(RegionalOffice.slug == "nairobi")
                .order_by(Country.alpha3)
            )
            .scalars()
            .all()
        )
    assert codes == NAIROBI_COUNTRIES


def test_host_country_of_each_office(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        rows = connection.execute(
            select(RegionalOffice.slug, Country.alpha3).join(
                Country, Country.id == RegionalOffice.host_country_id
            )  # type: ignore[arg-type]
        ).all()
    assert dict(rows) == HOST_COUNTRIES


def test_cairo_escwa_links_keep_their_phrases(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        relations, co_chairing = connection.execute(
            select(OfficeInstitutionLink)  # type: ignore[call-overload]
            .join(RegionalOffice, RegionalOffice.id == OfficeInstitutionLink.office_id)
            .join(Institution, Institution.id == OfficeInstitutionLink.institution_id)
            .where(RegionalOffice.slug == "cairo", Institution.slug == "escwa")
            .order_by(OfficeInstitutionLink.rank)
        ).all()
    assert relations.relationship_kind == "relations"
    assert relations.phrase_fr == "et la Commission économique et sociale pour l’Asie occidentale"
    assert relations.governing_phrase_fr == (
        "entretient des relations et des partenariats avec des organisations régionales"
    )
    assert relations.source_url == "https://iom.int/fr/bureaux-regionaux"
    assert co_chairing.relationship_kind == "co_chairs_with"
    assert co_chairing.phrase_fr == (
        "la Commission économique et sociale pour l’Asie occidentale – avec laquelle l’OIM "
        "copréside le Groupe de travail interinstitutions sur la migration internationale dans "
        "la région arabe"
    )


def test_names_are_bilingual_and_french_is_the_seed(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        names = connection.execute(
            select(Institution.slug, Translation.language, Translation.text)
            .join(
                Translation,
                (Translation.subject_id == Institution.id)
                & (Translation.subject_type == "institution"),
            )  # type: ignore[arg-type]
            .where(Translation.field == "name")
        ).all()
    by_language: dict[str, dict[str, str]] = {}
    for slug, language, text in names:
        by_language.setdefault(language, {})[slug] = text
    assert len(by_language["en"]) == 76
    assert len(by_language["fr"]) == 76
    assert by_language["fr"]["escwa"] == "Commission économique et sociale pour l’Asie occidentale"
    assert (
        by_language["en"]["escwa"]
        == "United Nations Economic and Social Commission for Western Asia"
    )
    assert by_language["es"] == {
        "sacm": "Conferencia Sudamericana sobre Migraciones",
        "mercosur": "Mercado Común del Sur",
    }


def test_data_quality_notes_are_attached(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        subjects = connection.execute(
            select(DataQualityNoteSubject.subject_type, DataQualityNoteSubject.subject_id)
            .join(DataQualityNote, DataQualityNote.id == DataQualityNoteSubject.note_id)  # type: ignore[arg-type]
            .where(DataQualityNote.slug == "coverage-overlap-tza")
            .order_by(DataQualityNoteSubject.subject_type)
        ).all()
        tza = connection.execute(select(Country.id).where(Country.alpha3 == "TZA")).scalar_one()
        offices = dict(connection.execute(select(RegionalOffice.id, RegionalOffice.slug)).all())
    named = sorted((t, offices[i] if t == "office" else i) for t, i in subjects)
    assert named == sorted([("country", tza), ("office", "nairobi"), ("office", "pretoria")])


def test_foreign_keys_are_enforced(seeded_engine: Engine) -> None:
    with pytest.raises(IntegrityError), seeded_engine.begin() as connection:
        connection.execute(
            insert(OfficeInstitutionLink).values(  # type: ignore[arg-type]
                slug="link-bogus",
                rank=999,
                office_id=987654,
                institution_id=1,
                relationship_kind="relations",
                phrase_fr="x",
                source_url="x",
            )
        )
    with pytest.raises(IntegrityError), seeded_engine.begin() as connection:
        connection.execute(
            insert(OfficeInstitutionLink).values(  # type: ignore[arg-type]
                slug="link-bogus",
                rank=999,
                office_id=1,
                institution_id=1,
                relationship_kind="not_a_kind",
                phrase_fr="x",
                source_url="x",
            )
        )
    assert count(seeded_engine, OfficeInstitutionLink) == 90
