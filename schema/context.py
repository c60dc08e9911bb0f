"""The typed per-request context every resolver receives."""

from dataclasses import dataclass, field

from strawberry.types import Info as StrawberryInfo

from resolvers.bounds import ListSizes
from resolvers.database import Database
from resolvers.loaders import Loaders
from schema.ratelimit import RateLimiter


@dataclass
class Context:
    """One request's database handle, fresh DataLoaders, languages, and what limits it."""

    db: Database
    languages: tuple[str, ...] = ()
    request_id: str = ""
    client_key: str = "local"
    list_sizes: ListSizes = field(default_factory=ListSizes)
    rate_limiter: RateLimiter | None = None
    rate_limit_remaining: int | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db)


Info = StrawberryInfo[Context, None]
