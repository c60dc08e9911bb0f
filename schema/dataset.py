"""The ``dataset`` root field: which version of the curated dataset answers, when it was
loaded, and the licence it is published under (also in every Data Package, ``/data/``)."""

from datetime import datetime

import strawberry

from resolvers.open_data.licence import DATA_LICENCE
from schema.context import Info


@strawberry.type(description="The licence of the curated compilation (the data, not the code).")
class Licence:
    name: str = strawberry.field(description="SPDX identifier: `CC-BY-4.0`.")
    title: str = strawberry.field(
        description="Full name: `Creative Commons Attribution 4.0 International`."
    )
    url: str = strawberry.field(description="The licence's text.")
    attribution: str = strawberry.field(
        description="The attribution a reuse owes: the compilation's contributors and the "
        "source pages (each keeps its own terms; see `sources` on every entity)."
    )


@strawberry.type(
    description="The curated dataset that answers: its version, load time and licence. "
    "Downloadable as a Frictionless Data Package under `/data/`."
)
class Dataset:
    version: str | None = strawberry.field(
        description="The content hash of the loaded dataset (the `X-Dataset-Version` header); "
        "null before the first load."
    )
    loaded_at: datetime | None = strawberry.field(
        description="When the load that wrote this version committed (UTC); null before the "
        "first load."
    )
    licence: Licence = strawberry.field(description="The licence the data is published under.")


@strawberry.type(description="Root fields on the dataset itself.")
class DatasetQueries:
    @strawberry.field(
        description="The dataset this response is answered from: version, load time, licence."
    )
    def dataset(self, info: Info) -> Dataset:
        dataset = info.context.dataset
        licence = Licence(
            name=DATA_LICENCE.name,
            title=DATA_LICENCE.title,
            url=DATA_LICENCE.url,
            attribution=DATA_LICENCE.attribution,
        )
        return Dataset(version=dataset.version, loaded_at=dataset.loaded_at, licence=licence)
