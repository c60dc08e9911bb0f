"""The WebSocket endpoint at ``/graphql``: strawberry's graphql-transport-ws handler for the
``datasetChanged`` subscription, behind a guard that caps connections and drops idle clients
(bounds: ``service.subscriptions``)."""

import asyncio
from collections import Counter as Tally
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.routing import WebSocketRoute
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema.base import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from resolvers.pagination import PageLimits
from schema.context import Context
from service.dataset import CurrentDataset
from service.subscriptions import Caps, DatasetBroadcast, SubscriptionMetrics


def route(
    schema: BaseSchema, datasets: CurrentDataset, page_limits: PageLimits, events: DatasetBroadcast
) -> WebSocketRoute:
    """``/graphql`` for WebSocket handshakes: each connection's context holds the dataset in
    memory then, a database handle, the broadcast and the client's address."""

    def context(client: str) -> Context:
        return Context(
            db=datasets.database,
            dataset=datasets.loaded,
            page_limits=page_limits,
            dataset_events=events,
            client=client,
        )

    endpoint = SubscriptionEndpoint(schema, context, events.caps)
    return WebSocketRoute("/graphql", ConnectionGuard(endpoint, events.caps, events.metrics))


class ConnectionGuard:
    """Around the WebSocket endpoint: caps connections, disconnects idle clients."""

    def __init__(self, app: Any, caps: Caps, metrics: SubscriptionMetrics) -> None:
        self.app, self.caps, self.metrics = app, caps, metrics
        self._per_client: Tally[str] = Tally()
        self._open = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = client_address(scope)
        reason = (
            "process"
            if self._open >= self.caps.per_process
            else "client"
            if self._per_client[client] >= self.caps.per_client
            else None
        )
        if reason is not None:
            self.metrics.refused.labels(reason).inc()
            await receive()  # websocket.connect
            await send({"type": "websocket.accept", "subprotocol": _protocol(scope)})
            await send({"type": "websocket.close", "code": 4429, "reason": "too many connections"})
            return
        self._open += 1
        self._per_client[client] += 1
        self.metrics.connections.inc()
        try:
            await self.app(scope, self._idle_limited(receive, send), send)
        finally:
            self._open -= 1
            self._per_client[client] -= 1
            if not self._per_client[client]:
                del self._per_client[client]
            self.metrics.connections.dec()

    def _idle_limited(self, receive: Receive, send: Send) -> Receive:
        async def receive_or_drop() -> Message:
            try:
                return await asyncio.wait_for(receive(), self.caps.idle_seconds)
            except TimeoutError:
                self.metrics.dropped.labels("idle").inc()
                await send({"type": "websocket.close", "code": 4408, "reason": "idle"})
                return {"type": "websocket.disconnect", "code": 4408}

        return receive_or_drop


def client_address(scope: Scope) -> str:
    """The client's address (uvicorn puts a trusted proxy's X-Forwarded-For there)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _protocol(scope: Scope) -> str | None:
    offered = scope.get("subprotocols") or []
    return "graphql-transport-ws" if "graphql-transport-ws" in offered else None


class SubscriptionEndpoint(GraphQL[Context, None]):
    """strawberry's WebSocket handler (graphql-transport-ws only) with the service's context:
    the dataset in memory now, a database handle, the broadcast and the client's address."""

    def __init__(
        self,
        schema: BaseSchema,
        context: Callable[[str], Context],
        caps: Caps,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=min(caps.idle_seconds, 60)),
            # The caps per client address and per process apply instead (coded refusals).
            max_subscriptions_per_connection=None,
            # The service sets no cookie and holds no credential a page could borrow: any
            # origin may subscribe to the public dataset's events (the caps still hold).
            allowed_origins=("*",),
        )
        self.context = context

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return self.context(client_address(request.scope))
