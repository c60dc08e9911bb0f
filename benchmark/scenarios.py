"""What the benchmark sends, and to which server.

A scenario is one request replayed by ``wrk`` against one server: adding one is one line in
``SCENARIOS``, e.g. a revalidation of the full traversal on the cached server is::

    Scenario(REVALIDATED, Server.SQLITE_CACHED, FULL_TRAVERSAL_GET, revalidate=True)

(``revalidate`` fetches the request once and replays it with ``If-None-Match: <its ETag>``).
A server configured differently is one ``Server`` member and one ``IOM_GRAPH_VARIANTS`` entry.
"""

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlencode

from benchmark import peer_queries

EXAMPLES = Path(__file__).resolve().parent.parent / "service" / "graphiql" / "examples"
FULL_TRAVERSAL_QUERY = (EXAMPLES / "01-full-traversal.graphql").read_text(encoding="utf-8")
FRENCH_NAMES_QUERY = (EXAMPLES / "04-french-names.graphql").read_text(encoding="utf-8")
POINT_LOOKUP_QUERY = (
    'query PointLookup { country(code: "KE") { name regionalOffice { name '
    "institutions { edges { relationship node { name acronym } } } } } }"
)
SEARCH_QUERY = 'query Search { search(text: "nairobi") { totalCount nodes { __typename id } } }'

JSON_ACCEPT = ("Accept", "application/json")
CONCURRENCY = 32  # connections of the throughput and loaded-latency runs
THREADS = 2  # wrk threads at CONCURRENCY (1 at concurrency 1)


class Server(StrEnum):
    """The servers of one run: SQLite ones, the ceiling, the reference, PostgreSQL ones."""

    SQLITE = "iom-graph, SQLite"
    SQLITE_CACHED = "iom-graph, SQLite, response cache on"
    SQLITE_TRACED = "iom-graph, SQLite, tracing on"
    CEILING = "ceiling (precomputed bytes)"
    REFERENCE = "reference (in-memory)"
    POSTGRES = "iom-graph, PostgreSQL"
    POSTGRES_CACHED = "iom-graph, PostgreSQL, response cache on"
    POSTGRES_2_WORKERS = "iom-graph, PostgreSQL, 2 workers"
    SQLITE_TENFOLD = "iom-graph, SQLite, 10x the data"
    POSTGRES_TENFOLD = "iom-graph, PostgreSQL, 10x the data"
    POSTGRAPHILE = "PostGraphile 5 (amber preset)"


class Database(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"


@dataclass(frozen=True)
class IomGraphVariant:
    """How one iom-graph server runs: its database, its workers, settings of its own."""

    database: Database
    workers: int = 1
    env: tuple[tuple[str, str], ...] = ()  # variables (settings) added to the common ones
    data_factor: int = 1  # its database holds the dataset copied until this many times as large


# Started in this order within each database; the first SQLite one also gives the ceiling its
# bytes. Every variant runs with the response cache off (servers.IOM_GRAPH_ENV) unless its
# own settings turn it back on.
RESPONSE_CACHE_ON = (("IOM_GRAPH_RESPONSE_CACHE_BYTES", str(64 * 1024 * 1024)),)
TENFOLD_BUDGET = (("IOM_GRAPH_MAX_COST", "1000000"),)
IOM_GRAPH_VARIANTS: dict[Server, IomGraphVariant] = {
    Server.SQLITE: IomGraphVariant(Database.SQLITE),
    Server.SQLITE_CACHED: IomGraphVariant(Database.SQLITE, env=RESPONSE_CACHE_ON),
    # Spans made as in production, then dropped (no collector to export to): the cost of
    # the instrumentation, not of the export.
    Server.SQLITE_TRACED: IomGraphVariant(
        Database.SQLITE, env=(("IOM_GRAPH_TRACING", "true"), ("OTEL_TRACES_EXPORTER", "none"))
    ),
    Server.POSTGRES: IomGraphVariant(Database.POSTGRES),
    Server.POSTGRES_CACHED: IomGraphVariant(Database.POSTGRES, env=RESPONSE_CACHE_ON),
    Server.POSTGRES_2_WORKERS: IomGraphVariant(Database.POSTGRES, workers=2),
    # The memory target holds at ten times the data (benchmark.synthetic); the full
    # traversal then costs about ten times as much, so its budget is lifted.
    Server.SQLITE_TENFOLD: IomGraphVariant(Database.SQLITE, env=TENFOLD_BUDGET, data_factor=10),
    Server.POSTGRES_TENFOLD: IomGraphVariant(Database.POSTGRES, env=TENFOLD_BUDGET, data_factor=10),
}
IOM_GRAPH_SERVERS = tuple(IOM_GRAPH_VARIANTS)


def variants_on(database: Database, data_factor: int = 1) -> list[Server]:
    """The variants whose database is ``database`` holding ``data_factor`` times the data."""
    return [
        server
        for server, v in IOM_GRAPH_VARIANTS.items()
        if v.database is database and v.data_factor == data_factor
    ]


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # path and query string
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def with_header(self, name: str, value: str) -> "HttpRequest":
        return replace(self, headers=(*self.headers, (name, value)))


def graphql_post(query: str) -> HttpRequest:
    body = json.dumps({"query": query}, ensure_ascii=False).encode("utf-8")
    return HttpRequest(
        "POST", "/graphql", (("Content-Type", "application/json"), JSON_ACCEPT), body
    )


def graphql_get(query: str) -> HttpRequest:
    return HttpRequest("GET", "/graphql?" + urlencode({"query": query}), (JSON_ACCEPT,))


FULL_TRAVERSAL_POST = graphql_post(FULL_TRAVERSAL_QUERY)
FULL_TRAVERSAL_GET = graphql_get(FULL_TRAVERSAL_QUERY)
POINT_LOOKUP_POST = graphql_post(POINT_LOOKUP_QUERY)
SEARCH_POST = graphql_post(SEARCH_QUERY)
FRENCH_NAMES_POST = graphql_post(FRENCH_NAMES_QUERY)
# The queries both iom-graph and PostGraphile answer (benchmark.peer_queries), each server's.
NESTED_POST = graphql_post(peer_queries.NESTED_IOM_GRAPH)
NESTED_PEER_POST = graphql_post(peer_queries.NESTED_POSTGRAPHILE)
LOOKUP_POST = graphql_post(peer_queries.LOOKUP_IOM_GRAPH)
LOOKUP_PEER_POST = graphql_post(peer_queries.LOOKUP_POSTGRAPHILE)

# Scenario names the targets look up.
FULL_TRAVERSAL = "full traversal"
FULL_TRAVERSAL_GET_NAME = "full traversal (GET)"
CACHED = "full traversal, cached repeat"
REVALIDATED = "full traversal, GET + If-None-Match (304)"


def slugify(text: str) -> str:
    """A file-name-safe form of ``text``."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass(frozen=True)
class Scenario:
    name: str
    server: Server
    request: HttpRequest
    latency_at_one: bool = True  # also run at concurrency 1 for the latency columns
    revalidate: bool = False  # replay with If-None-Match set to the response's ETag

    @property
    def slug(self) -> str:
        return slugify(f"{self.server} {self.name}")


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(FULL_TRAVERSAL, Server.SQLITE, FULL_TRAVERSAL_POST),
    Scenario(FULL_TRAVERSAL_GET_NAME, Server.SQLITE, FULL_TRAVERSAL_GET, latency_at_one=False),
    Scenario("point lookup", Server.SQLITE, POINT_LOOKUP_POST),
    Scenario("search", Server.SQLITE, SEARCH_POST),
    Scenario("French names", Server.SQLITE, FRENCH_NAMES_POST),
    Scenario(CACHED, Server.SQLITE_CACHED, FULL_TRAVERSAL_POST, latency_at_one=False),
    Scenario(
        REVALIDATED,
        Server.SQLITE_CACHED,
        FULL_TRAVERSAL_GET,
        latency_at_one=False,
        revalidate=True,
    ),
    Scenario(FULL_TRAVERSAL, Server.SQLITE_TRACED, FULL_TRAVERSAL_POST, latency_at_one=False),
    Scenario("point lookup", Server.SQLITE_TRACED, POINT_LOOKUP_POST, latency_at_one=False),
    Scenario(FULL_TRAVERSAL, Server.POSTGRES, FULL_TRAVERSAL_POST),
    Scenario("point lookup", Server.POSTGRES, POINT_LOOKUP_POST, latency_at_one=False),
    Scenario("search", Server.POSTGRES, SEARCH_POST, latency_at_one=False),
    Scenario("French names", Server.POSTGRES, FRENCH_NAMES_POST, latency_at_one=False),
    Scenario(FULL_TRAVERSAL, Server.POSTGRES_2_WORKERS, FULL_TRAVERSAL_POST, latency_at_one=False),
    Scenario(FULL_TRAVERSAL, Server.SQLITE_TENFOLD, FULL_TRAVERSAL_POST, latency_at_one=False),
    Scenario(FULL_TRAVERSAL, Server.POSTGRES_TENFOLD, FULL_TRAVERSAL_POST, latency_at_one=False),
)


def scenarios_of(server: Server) -> list[Scenario]:
    """The server's scenarios, measured on their own (ratios come from benchmark.interleaved)."""
    return [scenario for scenario in SCENARIOS if scenario.server is server]
