"""The Country type: ISO codes and names, and the offices that support or are hosted in it."""

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from db.models import SubjectType
from resolvers.country import CountryRecord
from schema.context import Info
from schema.entity import KeyedNode
from schema.language import LangArgument, localized, required_text
from schema.provenance import Sourced

if TYPE_CHECKING:
    from schema.regional_office import RegionalOffice

RegionalOfficeRef = Annotated["RegionalOffice", strawberry.lazy("schema.regional_office")]


@strawberry.type(
    description="A country or territory (ISO 3166-1, plus Kosovo as IOM lists it). Every ISO "
    "country exists, supported by an office or not."
)
class Country(Sourced, KeyedNode):
    subject_type: ClassVar[SubjectType] = SubjectType.COUNTRY
    loader_name: ClassVar[str] = "country_by_code"
    id_loader_name: ClassVar[str] = "country_by_id"
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

    @classmethod
    def from_record(cls, record: CountryRecord) -> "Country":
        return cls(
            alpha3=record.alpha3,
            alpha2=record.alpha2,
            numeric=record.numeric,
            is_iso=record.is_iso,
            note=record.note,
            record=record,
        )

    @strawberry.field(description="Name of the country (ISO 3166-1 names from pycountry).")
    def name(self, info: Info, lang: LangArgument = None) -> str:
        return required_text(self.record.texts, "name", lang, info)

    @strawberry.field(description="Common short name where ISO gives one (e.g. `Bolivia`).")
    def short_name(self, info: Info, lang: LangArgument = None) -> str | None:
        return localized(self.record.texts, "short_name", lang, info)

    @strawberry.field(
        description="The regional office that supports this country; null where none does."
    )
    async def regional_office(self, info: Info) -> RegionalOfficeRef | None:
        from schema.regional_office import RegionalOffice

        if self.record.office_id is None:
            return None
        record = await info.context.loaders.office_by_id.load(self.record.office_id)
        return RegionalOffice.from_record(record) if record else None

    @strawberry.field(
        description="True when the office assignment is inferred rather than listed by IOM "
        "(see the office's coverage method)."
    )
    def coverage_inferred(self) -> bool:
        return self.record.coverage_inferred

    @strawberry.field(description="Regional offices located in this country.")
    async def hosted_offices(self, info: Info) -> list[RegionalOfficeRef]:
        from schema.regional_office import RegionalOffice

        records = await info.context.loaders.offices_by_host_country.load(self.record.id)
        return [RegionalOffice.from_record(r) for r in records]
