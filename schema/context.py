"""The typed per-request context every resolver receives."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from graphql import GraphQLError
from strawberry.types import Info as StrawberryInfo

from resolvers.database import Database
from resolvers.loaders import EMPTY, InMemoryDataset, Loaders
from resolvers.pagination import PageLimits
from schema.execution.outcome import PlanRecord

Charge = Callable[[int], Awaitable[GraphQLError | None]]
"""Charges an operation's cost to its client: the refusal to return, or None to run it."""


@dataclass
class Context:
    """One request's dataset in memory, its database handle (the root lists' statements),
    languages, and what limits it."""

    db: Database
    dataset: InMemoryDataset = EMPTY
    languages: tuple[str, ...] = ()
    request_id: str = ""
    page_limits: PageLimits = field(default_factory=PageLimits)
    # Filled by the service when it rate-limits clients; None runs every affordable operation.
    charge: Charge | None = None
    # The date a field without ``asOf`` answers for (UTC): every response states it.
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    # Whether the planned executor answered the operation (``schema.execution``).
    plan: PlanRecord = field(default_factory=PlanRecord)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = self.dataset.loaders


Info = StrawberryInfo[Context, None]
