"""Countries: ISO 3166-1 from pycountry (names in every dataset language), plus the extra codes
the dataset adds (Kosovo). Where ISO gives no name in a language (84 Spanish names, Kosovo's
French and Spanish), Unicode CLDR's, through babel, each name with its source."""

import gettext
from typing import Any

import babel
import pycountry
from babel import Locale
from babel.core import get_cldr_version

from db.entries import Dataset
from db.models import Country
from db.row_builder import Ref, RowsBuilder
from db.vocabulary import ConfidenceLevel, SourceKind, SubjectType

PYCOUNTRY_NOTE = f"ISO 3166-1 name from pycountry {pycountry.__version__} (Debian iso-codes)"
# Each name's source: reference data shipped with the service, not a page.
ISO: dict[str, Any] = {"basis": PYCOUNTRY_NOTE, "kind": SourceKind.REFERENCE_DATA}
CLDR_NOTE = (
    f"Unicode CLDR {get_cldr_version()} territory name (babel {babel.__version__}): ISO 3166-1 "
    "(pycountry) gives none in this language"
)
# A standard's common name, not an official one, and no page: medium.
CLDR: dict[str, Any] = {
    "basis": CLDR_NOTE,
    "kind": SourceKind.CLDR,
    "confidence": ConfidenceLevel.MEDIUM,
}


def cldr_name(language: str, alpha2: str) -> str | None:
    """CLDR's name of the territory ``alpha2`` in ``language``; None if CLDR has none."""
    name: str | None = Locale.parse(language).territories.get(alpha2)
    return name


def iso_countries() -> dict[str, Any]:
    """ISO 3166-1 countries by alpha-3 code, from pycountry."""
    return {c.alpha_3: c for c in pycountry.countries}


def country_rows(dataset: Dataset, build: RowsBuilder) -> None:
    translations = {
        language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in dataset.languages
        if language != "en"
    }
    for alpha3, country in sorted(iso_countries().items()):
        ref: Ref = (SubjectType.COUNTRY, alpha3)
        build.rows.of(Country).append(
            {
                "alpha2": country.alpha_2,
                "alpha3": alpha3,
                "numeric": country.numeric,
                "is_iso": True,
                "note": None,
            }
        )
        build.text(ref, "name", "en", country.name, **ISO)
        build.searchable(ref, country.alpha_2)
        build.searchable(ref, alpha3)
        for language, catalogue in translations.items():
            translated = catalogue.gettext(country.name)
            if translated != country.name or language == "fr":
                build.text(ref, "name", language, translated, **ISO)
            elif name := cldr_name(language, country.alpha_2):
                build.text(ref, "name", language, name, **CLDR)
        common_name = getattr(country, "common_name", None)
        if common_name:
            build.text(ref, "short_name", "en", common_name, **ISO)
    for extra in dataset.extra_countries:
        ref = (SubjectType.COUNTRY, extra.alpha3)
        build.rows.of(Country).append(
            {
                "alpha2": extra.alpha2,
                "alpha3": extra.alpha3,
                "numeric": None,
                "is_iso": False,
                "note": extra.note,
            }
        )
        for language, name in extra.names.items():
            build.text(ref, "name", language, name, basis=extra.note)
        for language in dataset.languages:
            if language not in extra.names and (name := cldr_name(language, extra.alpha2)):
                build.text(ref, "name", language, name, **CLDR)
        build.searchable(ref, extra.alpha2)
        build.searchable(ref, extra.alpha3)
