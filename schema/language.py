"""Languages of texts, and the ``lang`` argument every text field takes."""

from enum import Enum
from typing import Annotated

import strawberry

from resolvers.texts import Texts, languages_for, pick
from schema.context import Info


@strawberry.enum(description="A language texts can be asked for.")
class Language(Enum):
    EN = strawberry.enum_value("en", description="English.")
    FR = strawberry.enum_value("fr", description="French (the seed page's language).")
    ES = strawberry.enum_value("es", description="Spanish, where a source gives it.")


LANG_DESCRIPTION = (
    "Language of the text. Without it, the request's Accept-Language header decides, then "
    "English; a missing translation falls back along that chain, then to any language that "
    "has the text."
)
LangArgument = Annotated[Language | None, strawberry.argument(description=LANG_DESCRIPTION)]


def localized(texts: Texts, field: str, lang: Language | None, info: Info) -> str | None:
    """The text of ``field`` in the language the request asks for, with fallbacks."""
    chain = languages_for(str(lang.value) if lang else None, info.context.languages)
    return pick(texts, field, chain)


def required_text(texts: Texts, field: str, lang: Language | None, info: Info) -> str:
    text = localized(texts, field, lang, info)
    if text is None:
        raise LookupError(f"dataset has no {field!r} text in any language")
    return text
