"""The problems a dataset check finds, and the checks several of its rules make (``db.rules``)."""

from enum import StrEnum

from db.countries import iso_countries
from db.entries import SEED_SOURCE, Dataset, SourcedText


class Checker:
    """The problems found so far, and the checks several rules make."""

    def __init__(self, dataset: Dataset, seed_text: str) -> None:
        self.problems: list[str] = []
        self.seed_text = seed_text
        self.languages = set(dataset.languages)
        self.country_codes = set(iso_countries()) | {c.alpha3 for c in dataset.extra_countries}

    def in_seed(self, where: str, phrase: str | None) -> None:
        if phrase is not None and phrase not in self.seed_text:
            self.problems.append(f"{where}: phrase not found in the seed page: {phrase!r}")

    def texts(self, where: str, texts_by_language: dict[str, SourcedText]) -> None:
        for language, entry in texts_by_language.items():
            if language not in self.languages:
                self.problems.append(f"{where}: unknown language {language!r}")
            if entry.source == SEED_SOURCE:
                self.in_seed(f"{where} ({language})", entry.text)
            self.in_seed(f"{where} ({language})", entry.seed_phrase)

    def country(self, where: str, code: str) -> None:
        if code not in self.country_codes:
            self.problems.append(f"{where}: unknown ISO 3166-1 alpha-3 code {code!r}")

    def unique(self, kind: str, slugs: list[str]) -> set[str]:
        seen: set[str] = set()
        for slug in slugs:
            if slug in seen:
                self.problems.append(f"{kind} {slug!r}: duplicate slug")
            seen.add(slug)
        return seen

    def in_vocabulary(self, section: str, values: list[str], vocabulary: type[StrEnum]) -> None:
        """Each value a section declares must be one the service knows (``db.vocabulary``)."""
        known = {member.value for member in vocabulary}
        for value in values:
            if value not in known:
                self.problems.append(
                    f"{section} {value!r}: not a value of db.vocabulary.{vocabulary.__name__} "
                    "(the values the GraphQL schema can serve)"
                )
