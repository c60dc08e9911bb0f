"""The Country type: ISO codes and names, and the offices that support or are hosted in it."""

from datetime import date
from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from db.vocabulary import SubjectType
from resolvers.country import CountryRecord
from resolvers.country_office import CountryOffice, country_office
from resolvers.edges import Edges
from resolvers.validity import offices_in_force
from schema.context import Info
from schema.coverage_evidence import CoverageEvidence
from schema.entity import KeyedNode
from schema.extensions.field_bounds import bounded
from schema.language import LangArgument, localized, required_text
from schema.provenance import Sourced
from schema.validity import AsOf, answer_day

if TYPE_CHECKING:
    from schema.regional_office import RegionalOffice

RegionalOfficeRef = Annotated["RegionalOffice", strawberry.lazy("schema.regional_office")]


@strawberry.federation.type(
    keys=["alpha3", "alpha2"],
    description="A country or territory (ISO 3166-1, plus Kosovo as IOM lists it). Every ISO "
    "country exists, supported by an office or not.",
)
class Country(Sourced, KeyedNode):
    subject_type: ClassVar[SubjectType] = SubjectType.COUNTRY
    key_edge = Edges.country_by_code
    id_edge = Edges.country_by_id
    key_field: ClassVar[str] = "alpha3"

    @classmethod
    def normalise_key(cls, key: str) -> str:
        return key.upper()

    alpha3: str = strawberry.field(description="ISO 3166-1 alpha-3 code (natural key), e.g. `KEN`.")
    alpha2: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. `KE`.")
    numeric: str | None = strawberry.field(description="ISO 3166-1 numeric code; null for Kosovo.")
    is_iso: bool = strawberry.field(
        description="False for a user-assigned code that is not ISO 3166-1 (Kosovo, XK/XKX)."
    )
    note: str | None = strawberry.field(description="Why a non-ISO code is listed.")
    record: strawberry.Private[CountryRecord]
    # The day the country was reached for (a parent's asOf); None: the request's today.
    as_of: strawberry.Private[date | None] = None

    @classmethod
    def from_record(cls, record: CountryRecord, as_of: date | None = None) -> "Country":
        # One per record of a list's page: the fields the dataclass's ``__init__`` takes are
        # set into the instance's ``__dict__`` directly, as that ``__init__`` sets them, without
        # its call and keywords (0.3 us instead of 0.5). ``tests/test_country_type.py`` checks
        # that every one of those fields is set.
        country = object.__new__(cls)
        fields = country.__dict__
        fields["record"] = record
        fields["alpha3"] = record.alpha3
        fields["alpha2"] = record.alpha2
        fields["numeric"] = record.numeric
        fields["is_iso"] = record.is_iso
        fields["note"] = record.note
        fields["as_of"] = as_of
        return country

    @strawberry.field(description="Name of the country (ISO 3166-1 names from pycountry).")
    def name(self, info: Info, lang: LangArgument = None) -> str:
        return required_text(self.record.texts, "name", lang, info)

    @strawberry.field(description="Common short name where ISO gives one (e.g. `Bolivia`).")
    def short_name(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "short_name", lang, info)

    def _office(self, info: Info, day: date) -> CountryOffice:
        return country_office(info.context.loaders, self.record, day)

    @strawberry.field(
        description="The regional office that supports this country on the day asked for; null "
        "where none does. In the year of a change known only to the year, the successor."
    )
    def regional_office(self, info: Info, as_of: AsOf = None) -> RegionalOfficeRef | None:
        from schema.regional_office import RegionalOffice

        day = answer_day(info, as_of, self.as_of)
        record = self._office(info, day).office
        return RegionalOffice.from_record(record, day) if record else None

    @strawberry.field(
        description="True when that office's support is inferred: no IOM page states this "
        "country in that office's list (no HIGH item of `coverageEvidence` lists it), so it is "
        "derived, counted or named only by weaker pages (see the office's coverage method). "
        "False where an IOM page lists it, and where no office supports the country."
    )
    def coverage_inferred(self, info: Info, as_of: AsOf = None) -> bool:
        return self._office(info, answer_day(info, as_of, self.as_of)).inferred

    @strawberry.field(
        metadata=bounded(Edges.evidence_by_country),
        description="Every page that speaks of this country and an office: whether it lists "
        "the country among the office's countries, mentions it, or assigns it elsewhere, with "
        "its quote and confidence. All offices, whatever the day, in the offices' order (a "
        "page may concern an office that supports no longer, or never did: the United "
        "Kingdom's).",
    )
    def coverage_evidence(self, info: Info) -> list[CoverageEvidence]:
        records = info.context.loaders.evidence_by_country.load(self.record.id)
        return [CoverageEvidence.from_record(r, self.as_of) for r in records]

    @strawberry.field(
        metadata=bounded(Edges.offices_by_host_country),
        description="Regional offices located in this country and in force on the day asked for.",
    )
    def hosted_offices(self, info: Info, as_of: AsOf = None) -> list[RegionalOfficeRef]:
        from schema.regional_office import RegionalOffice

        day = answer_day(info, as_of, self.as_of)
        records = info.context.loaders.offices_by_host_country.load(self.record.id)
        return [RegionalOffice.from_record(r, day) for r in offices_in_force(records, day)]
