"""The typed per-request context every resolver receives."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from graphql import GraphQLError
from strawberry.types import Info as StrawberryInfo

from resolvers.database import Database
from resolvers.dataset_history import VersionRecord
from resolvers.edges import Edges
from resolvers.in_memory import EMPTY, InMemoryDataset
from resolvers.pagination import PageLimits
from schema.execution.outcome import PlanRecord

Charge = Callable[[int], Awaitable[GraphQLError | None]]
"""Charges an operation's cost to its client: the refusal to return, or None to run it."""


class DatasetEvents(Protocol):
    """New dataset versions as they are loaded (the service's, over WebSocket)."""

    def subscribe(self, client: str) -> AbstractAsyncContextManager[AsyncIterator[VersionRecord]]:
        """The versions loaded from now on, for ``client`` (its address); refused with a coded
        error above the caps."""
        ...


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
    # The day a field answers for when neither it nor its parent has an ``asOf``: the
    # request's ``Accept-Datetime``, else today (UTC).
    default_day: date = field(default_factory=lambda: datetime.now(UTC).date())
    # The days time-aware fields answered for (``schema.validity.answer_day`` records each):
    # the response states them (``schema.extensions.answer_date``).
    days_used: set[date] = field(default_factory=set)
    # `_entities` representations asked for so far, by response key (``schema.federation``
    # caps their sum).
    representations: dict[str, int] = field(default_factory=dict)
    # The WebSocket endpoint's live events and the client's address; None over HTTP, which
    # serves no subscription.
    dataset_events: DatasetEvents | None = None
    client: str = ""
    # The operation's cost estimate (``schema.extensions.cost`` sets it before execution, None
    # until then): the objects it returns at most, which ``schema.execution.chunk`` reads as
    # the size of the operation.
    cost_estimate: int | None = None
    # Whether the planned executor answered the operation (``schema.execution``).
    plan: PlanRecord = field(default_factory=PlanRecord)
    # The dataset's edges (``resolvers.edges``), one attribute closer to the resolvers.
    loaders: Edges = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = self.dataset.loaders


Info = StrawberryInfo[Context, None]
