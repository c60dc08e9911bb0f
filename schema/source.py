"""Sources: what backs each fact and text the service serves, and how far it can be trusted."""

from enum import Enum

import strawberry

from resolvers.provenance import SourceRecord
from schema.context import Info


@strawberry.enum(
    description="How well a list, a date or a text is supported. For a country list: HIGH = "
    "stated on an IOM page, MEDIUM = an IOM count or partial list plus a documented inference, "
    "LOW = best-supported derivation. For a text (a name, an acronym): HIGH = stated on the seed "
    "page, another page or ISO reference data; LOW = unverified (an editorial translation, a "
    "standard name or acronym no stored page was checked for) or stated only on a weaker page."
)
class Confidence(Enum):
    HIGH = strawberry.enum_value(
        "high", description="Stated on an IOM page (a text: on the page its source names)."
    )
    MEDIUM = strawberry.enum_value(
        "medium", description="An IOM count or partial IOM list plus a documented inference."
    )
    LOW = strawberry.enum_value(
        "low",
        description="Best-supported derivation with no IOM list; for a text: not verified "
        "against a stored page, or only on a weaker page. Filter on it to drop guesses.",
    )


@strawberry.enum(description="What backs a fact: a page, reference data, or the editors alone.")
class SourceKind(Enum):
    SEED = strawberry.enum_value(
        "seed", description="The seed page states it; `seedPhrase` holds its exact words."
    )
    PAGE = strawberry.enum_value("page", description="The page at `url` states it.")
    REFERENCE_DATA = strawberry.enum_value(
        "reference_data",
        description="Standard reference data shipped with the service (ISO 3166-1 via "
        "pycountry); `note` names it. No URL.",
    )
    CLDR = strawberry.enum_value(
        "cldr",
        description="Unicode CLDR locale data (through babel), used for a country's name in a "
        "language where ISO 3166-1 (pycountry) has none; `note` names the CLDR version. No "
        "URL; confidence MEDIUM (a standard's common name, not an official one).",
    )
    EDITORIAL = strawberry.enum_value(
        "editorial",
        description="No page states it: an editorial choice of the dataset (a classification, "
        "a display name, an acronym in common use). `note` says what was decided; `url` is a "
        "page it was derived from, when there is one, never an invented one.",
    )


@strawberry.type(description="Where one fact the service states comes from.")
class Source:
    fact: str = strawberry.field(
        description="The fact it supports, e.g. `founded`, `coverage`, `name (fr)`."
    )
    url: str | None = strawberry.field(
        description="The page the fact is taken from; null for reference data and for an "
        "editorial fact no page states."
    )
    seed_phrase: str | None = strawberry.field(
        description="The exact French phrase of the seed page, when the seed states the fact."
    )
    note: str | None = strawberry.field(
        description="How the fact was established, or what the source says, when recorded; "
        "always set for EDITORIAL and REFERENCE_DATA sources."
    )
    kind: SourceKind = strawberry.field(
        description="Seed page, another page, reference data, or an editorial choice."
    )
    confidence: Confidence = strawberry.field(
        description="How far the fact can be trusted: HIGH when the seed page, a page or ISO "
        "reference data states it, MEDIUM for a CLDR name, LOW when unverified (an editorial "
        "fact or text); a coverage's is the coverage's own confidence."
    )

    @classmethod
    def from_record(cls, record: SourceRecord) -> "Source":
        return cls(
            fact=record.fact,
            url=record.url,
            seed_phrase=record.seed_phrase,
            note=record.note,
            kind=SourceKind(record.kind),
            # Null only in rows loaded before migration 0007, until the next load: unverified.
            confidence=Confidence(record.confidence or "low"),
        )


def sources_of(info: Info, subject_type: str, subject_id: int) -> list[Source]:
    records = info.context.loaders.sources_by_subject.load((subject_type, subject_id))
    return [Source.from_record(r) for r in records]
