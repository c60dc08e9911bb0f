"""The typed per-request context every resolver receives."""

from dataclasses import dataclass, field

from strawberry.types import Info as StrawberryInfo

from resolvers.database import Database
from resolvers.loaders import Loaders


@dataclass
class Context:
    """One request's database handle, fresh DataLoaders and preferred languages."""

    db: Database
    languages: tuple[str, ...] = ()
    request_id: str = ""
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db)


Info = StrawberryInfo[Context, None]
