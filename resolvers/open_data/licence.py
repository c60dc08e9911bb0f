"""The licences: of the code (MIT, ``LICENSE``) and of the curated compilation (CC BY 4.0,
``DATA-LICENSE.md``). One home, read by the Data Package and by the GraphQL ``dataset`` field."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence: its SPDX identifier, title, the URL of its text, and the attribution owed."""

    name: str
    title: str
    url: str
    attribution: str


DATA_LICENCE = Licence(
    name="CC-BY-4.0",
    title="Creative Commons Attribution 4.0 International",
    url="https://creativecommons.org/licenses/by/4.0/",
    attribution=(
        "iom-graph contributors, compiled from the pages of the International Organization for "
        "Migration (IOM / OIM) and the other pages listed as sources (sources.csv); each source "
        "page keeps its own terms, and quotes are short quotes from it."
    ),
)
"""The licence of the curated compilation (the data), as ``DATA-LICENSE.md`` states it."""

CODE_LICENCE = Licence(
    name="MIT",
    title="MIT License",
    url="https://opensource.org/license/mit",
    attribution="Copyright (c) the iom-graph contributors",
)
"""The licence of the code (``LICENSE``)."""
