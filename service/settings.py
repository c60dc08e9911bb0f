"""The settings of one iom-graph process, read once by the entry point (prefix ``IOM_GRAPH_``).

They are handed down as plain values: ``database_url`` and ``statement_timeout_ms`` to
``db``, ``limits()`` to the schema, ``limits().page`` to the resolvers. The configuration
table of docs/operations-and-scale.md documents each field.

The fields are grouped by concern (the process, limits, clients, caching, subscriptions);
``Settings`` joins the groups, and reads each field, whatever its group, from the one variable
``IOM_GRAPH_<FIELD>``.
"""

import ipaddress
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from db.settings import DatabaseSettings
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageLimits
from schema.extensions.limits import Limits
from service.gc_tuning import YOUNG_THRESHOLD

_LIMITS = Limits()


class ProcessSettings(DatabaseSettings):
    """How ``server.py`` runs the process: address, workers, logs and uvicorn's own
    connection limits (README: "Connection limits")."""

    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds.")
    port: int = Field(default=8000, description="Port the HTTP server binds.")
    workers: int = Field(default=1, ge=1, description="uvicorn worker processes.")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    http: Literal["httptools", "h11"] = Field(
        default="httptools",
        description="uvicorn's HTTP parser: httptools (fast; bounded by service/protocol.py) "
        "or h11 (no read timeout, and limit_concurrency counts open connections too).",
    )
    max_header_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        description="Largest request line and headers (HTTP 431 HEADERS_TOO_LARGE above).",
    )
    read_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        description="A request's head and body must arrive within this long of the connection "
        "opening (or of its first byte on a kept-alive connection); closed beyond (httptools).",
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, description="An idle connection is closed this long after a response."
    )
    limit_concurrency: int | None = Field(
        default=1000,
        ge=1,
        description="Requests in progress per worker (503 beyond); with httptools, open "
        "connections waiting for a request do not count.",
    )
    graceful_shutdown_seconds: int = Field(
        default=10, ge=0, description="How long SIGTERM lets requests in flight finish."
    )
    gc_tuning: bool = Field(
        default=True,
        description="Tune Python's garbage collector for serving (service/gc_tuning.py): "
        "freeze the objects alive after start-up, collect the youngest generation every "
        "gc_young_threshold allocations; false: Python's defaults.",
    )
    gc_young_threshold: int = Field(
        default=YOUNG_THRESHOLD,
        ge=100,
        description="Net container allocations between two collections of the youngest "
        "generation (with gc_tuning): higher, rarer but longer pauses.",
    )


class LimitSettings(BaseModel):
    """What one request may ask and take: body, documents, cost, pages, time and execution
    slots (``limits()`` hands the schema its part)."""

    max_body_bytes: int = Field(default=100_000, description="Largest request body (413 above).")
    max_page_size: int = Field(
        default=MAX_PAGE_SIZE, description="Largest first/last on a connection."
    )
    default_page_size: int = Field(
        default=DEFAULT_PAGE_SIZE, description="Page size when first/last is absent."
    )
    max_depth: int = Field(default=_LIMITS.max_depth, ge=1, description="Deepest field nesting.")
    max_aliases: int = Field(default=_LIMITS.max_aliases, ge=0, description="Aliases per document.")
    max_directives: int = Field(
        default=_LIMITS.max_directives, ge=0, description="Directive uses per document."
    )
    max_tokens: int = Field(
        default=_LIMITS.max_tokens, ge=100, description="Lexical tokens per document."
    )
    max_fields: int = Field(
        default=_LIMITS.max_fields, ge=1, description="Field selections per document."
    )
    max_cost: int = Field(
        default=_LIMITS.max_cost, ge=1, description="Static cost budget of one operation."
    )
    max_representations: int = Field(
        default=_LIMITS.max_representations,
        ge=1,
        description="`_entities` representations per request (one BAD_USER_INPUT above).",
    )
    max_errors: int = Field(
        default=_LIMITS.max_errors,
        ge=1,
        description="Errors per response; past it, one TOO_MANY_ERRORS error counts the rest.",
    )
    request_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest a request may run (503 TIMEOUT beyond)."
    )
    max_concurrent_executions: int | None = Field(
        default=None,
        ge=1,
        description="GraphQL operations executing at once per worker "
        "(default: 1 on SQLite, 2 on PostgreSQL, whose statements wait on the network).",
    )

    def limits(self) -> Limits:
        """The schema's limits: documents, cost and pages."""
        return Limits(
            max_depth=self.max_depth,
            max_aliases=self.max_aliases,
            max_directives=self.max_directives,
            max_tokens=self.max_tokens,
            max_fields=self.max_fields,
            max_cost=self.max_cost,
            max_representations=self.max_representations,
            max_errors=self.max_errors,
            page=PageLimits(self.default_page_size, self.max_page_size),
        )


class ClientSettings(BaseModel):
    """Who the clients are and what each may spend: CORS, rate limits, API keys, trusted
    proxies, and the Redis that shares the buckets between replicas."""

    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS (JSON list, or '*')."
    )
    rate_limit_per_second: float = Field(
        default=10_000.0, ge=0, description="Cost units a client regains per second; 0 = off."
    )
    rate_limit_burst: int = Field(
        default=100_000, ge=1, description="Cost units a client can spend at once (bucket size)."
    )
    api_key_header: str = Field(
        default="X-API-Key",
        description="Header carrying an issued API key (its own budget); without one, a "
        "client is limited by address; an unknown or revoked key is refused (401).",
    )
    api_key_refresh_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Keys created or revoked take effect on every replica within this long.",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies (addresses or networks, comma-separated, or '*') whose "
        "X-Forwarded-For names the client; default none: the peer is the client.",
    )
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db: rate limits shared by replicas."
    )

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        """uvicorn takes any entry that is not an address or network as a literal host name,
        which a peer address never equals: a typo would silently trust nobody."""
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries == ["*"]:
            return value
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"forwarded_allow_ips: {entry!r} is not an IP address or network "
                    "(comma-separated, e.g. 127.0.0.1,10.0.0.0/8; or '*' alone)"
                ) from None
        return value


class CachingSettings(BaseModel):
    """The response cache (in-process, and beside Redis while it is down) and HTTP caching."""

    response_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="In-process response cache size (with Redis: while it is down); 0 = off.",
    )
    cache_max_age_seconds: int = Field(
        default=0, ge=0, description="max-age of Cache-Control on GET and persisted queries."
    )


class SubscriptionSettings(BaseModel):
    """The WebSocket subscriptions' caps."""

    subscriptions_per_client: int = Field(
        default=10,
        ge=1,
        description="Open WebSocket subscriptions (and connections) one client address may hold.",
    )
    subscriptions_per_process: int = Field(
        default=1000,
        ge=1,
        description="Open WebSocket subscriptions (and connections) one process holds at most.",
    )
    subscription_idle_seconds: float = Field(
        default=300,
        gt=0,
        description="A WebSocket client that sends nothing (not even a ping) this long is "
        "disconnected.",
    )
    subscription_queue: int = Field(
        default=8,
        ge=1,
        description="Events waiting for one slow subscriber; one more and it is dropped.",
    )


# pydantic collects fields from the last base up: listed in reverse, the fields read in the
# order of this module (the database's and the process's first).
class Settings(
    SubscriptionSettings, CachingSettings, ClientSettings, LimitSettings, ProcessSettings
):
    """Settings of one iom-graph process: the process, and the service's limits, rate limits,
    caching and Redis."""

    environment: Literal["production", "development"] = Field(
        default="production",
        description="Accepted for existing deployments; no behaviour depends on it since "
        "field suggestions are on in every environment.",
    )
    auto_migrate: bool = Field(
        default=True, description="Migrate and seed an empty database at start-up."
    )
    planned_execution: bool = Field(
        default=True,
        description="Execute operations by the plan (schema/execution/README.md); false: "
        "strawberry's standard execution.",
    )
    tracing: bool = Field(
        default=False,
        description="OpenTelemetry spans over OTLP/HTTP (the OTEL_* variables configure it).",
    )

    @model_validator(mode="after")
    def _coherent_limits(self) -> "Settings":
        if self.rate_limit_per_second > 0 and self.rate_limit_burst < self.max_cost:
            raise ValueError(
                f"rate_limit_burst ({self.rate_limit_burst}) must be at least max_cost "
                f"({self.max_cost}): operations between the two could never run"
            )
        if self.default_page_size > self.max_page_size:
            raise ValueError("default_page_size must not exceed max_page_size")
        return self
