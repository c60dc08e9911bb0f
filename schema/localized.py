"""A text with the language it is actually in: how a client learns that a text is a fallback.

The plain text fields (``name``, ``city``...) stay ``String`` and fall back silently, as they
always did; ``localizedText`` on every sourced entity serves the same text with the language
it is in, the language asked for, whether it is a fallback, and its source and confidence.
A per-text marker rather than the response's ``Content-Language``: one response mixes texts
that exist in Spanish with others that fall back to English, which one header cannot say.
"""

from enum import Enum
from typing import Annotated

import strawberry

from resolvers.texts import Texts, choose, languages_for
from schema.context import Info
from schema.language import Language
from schema.source import Confidence, Source, sources_of


@strawberry.enum(description="A text an entity may have in several languages.")
class TextField(Enum):
    NAME = strawberry.enum_value("name", description="Name (offices, institutions, countries).")
    TITLE = strawberry.enum_value("title", description="Title of a leadership position.")
    HEAD_TITLE = strawberry.enum_value("head_title", description="Title of an office's head.")
    ACRONYM = strawberry.enum_value("acronym", description="Acronym.")
    SHORT_NAME = strawberry.enum_value("short_name", description="Short name.")
    CURRENT_NAME = strawberry.enum_value("current_name", description="Name since a renaming.")
    CURRENT_ACRONYM = strawberry.enum_value(
        "current_acronym", description="Acronym since a renaming (OACPS, AUDA-NEPAD)."
    )
    FORMER_ACRONYM = strawberry.enum_value("former_acronym", description="Former acronym (OFID).")
    OTHER_NAME = strawberry.enum_value(
        "other_name", description="Another name in use (Puebla Process)."
    )
    CITY = strawberry.enum_value("city", description="City of an office.")
    LOCATION = strawberry.enum_value("location", description="Where an office is based.")
    REGION = strawberry.enum_value("region", description="Region label of an office.")
    REGION_SEED_PHRASE = strawberry.enum_value(
        "region_seed_phrase", description="The region as the seed page's phrase words it."
    )
    HEADQUARTERS_CITY = strawberry.enum_value(
        "headquarters_city", description="City of the organisation's headquarters."
    )


@strawberry.type(
    description="A text in the language it is actually in. `isFallback` is true when the "
    "language asked for (the `lang` argument, else the first supported language of the "
    "request's Accept-Language, else English) has no such text and another language's is given."
)
class LocalizedText:
    text: str = strawberry.field(description="The text.")
    language: Language = strawberry.field(description="The language the text is in.")
    requested_language: Language = strawberry.field(description="The language asked for.")
    is_fallback: bool = strawberry.field(
        description="True when the text is not in the language asked for."
    )
    field: strawberry.Private[str]
    subject_type: strawberry.Private[str]
    subject_id: strawberry.Private[int]

    @strawberry.field(description="Where this text comes from (its `name (fr)`... source).")
    def source(self, info: Info) -> Source:
        fact = f"{self.field} ({self.language.value})"
        sources = sources_of(info, self.subject_type, self.subject_id)
        return next(source for source in sources if source.fact == fact)

    @strawberry.field(description="How far the text can be trusted: LOW when unverified.")
    def confidence(self, info: Info) -> Confidence:
        source = self.source(info)
        if source.confidence is None:
            raise LookupError(f"text {source.fact!r} has no confidence")
        confidence: Confidence = source.confidence
        return confidence


TextFieldArgument = Annotated[TextField, strawberry.argument(description="Which text.")]


def localized_text(
    texts: Texts,
    field: TextField,
    lang: Language | None,
    info: Info,
    subject: tuple[str, int],
) -> LocalizedText | None:
    chain = languages_for(str(lang.value) if lang else None, info.context.languages)
    name = str(field.value)
    chosen = choose(texts, name, chain)
    if chosen is None:
        return None
    return LocalizedText(
        text=chosen.text,
        language=Language(chosen.language),
        requested_language=Language(chosen.requested),
        is_fallback=chosen.is_fallback,
        field=name,
        subject_type=subject[0],
        subject_id=subject[1],
    )
