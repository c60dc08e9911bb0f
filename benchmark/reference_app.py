"""The reference: iom-graph's own schema executed over in-memory records, no database.

At start-up, every batch function behind ``resolvers.loaders.Loaders`` runs once with every
key that exists in the seeded database named by ``IOM_GRAPH_BENCH_REFERENCE_DATABASE``; the
records are kept. Each request then gets fresh DataLoaders (same attribute names as
``Loaders``) whose batch functions answer from those dicts, and runs through
``schema.execute`` like iom-graph does. What remains is the cost of GraphQL execution and JSON
serialisation: the best iom-graph could do without a database round trip.

Requests go through iom-graph's own ``service.endpoint.GraphQLEndpoint`` (parsing, negotiation,
execution slots, timeout, error codes, serialisation), given a context factory that puts the
in-memory loaders in place, no response cache, and the same list sizes, rate-limiter settings
and garbage-collector thresholds as the server. Only the middleware (request ids, access log,
metrics, gzip) is left out; it is measured in the ceiling comparison instead.

One root field reads the database directly rather than through a loader
(``Query.organisation`` calls ``resolvers.organisation.the_organisation(db)``), so the
context's ``db`` replays the rows of the statements recorded at start-up and refuses any other.

    IOM_GRAPH_BENCH_REFERENCE_DATABASE=sqlite:///bench.sqlite3 \
        uvicorn --factory benchmark.reference_app:create_app
"""

import gc
import os
from collections.abc import AsyncIterator, Callable, Hashable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.sql import Executable
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.dataloader import DataLoader

from db import models
from db.engine import build_engine
from resolvers import (
    country,
    coverage_evidence,
    institution,
    leadership,
    link,
    organisation,
    provenance,
    statement,
    succession,
)
from resolvers import regional_office as office
from resolvers.bounds import ListSizes, list_sizes
from resolvers.database import AnyRow, Database
from resolvers.loaders import Loaders
from schema import build_schema
from schema.context import Context
from service.caching import build_caching
from service.endpoint import GraphQLEndpoint
from service.execution import ExecutionLimits
from service.ratelimit import build_rate_limits
from service.responder import DatasetState
from service.settings import Settings

DATABASE_ENV = "IOM_GRAPH_BENCH_REFERENCE_DATABASE"
MEDIA_TYPE = "application/json; charset=utf-8"

Fetch = Callable[[Database, Sequence[Any]], Mapping[Any, Any]]
KeySource = Callable[[Database], list[Any]]

# Functions reading the database directly (not through a loader) on the reference's queries.
DIRECT_QUERIES: tuple[Callable[[Database], object], ...] = (organisation.the_organisation,)


def statement_key(statement: Executable) -> Hashable:
    """A statement's identity: SQLAlchemy's compiled-cache key plus its bound values."""
    cache_key = statement._generate_cache_key()  # type: ignore[attr-defined]
    if cache_key is None:
        raise ValueError("statement cannot be cached, so it cannot be replayed")
    return cache_key.key, tuple(repr(param.effective_value) for param in cache_key.bindparams)


class RecordingDatabase(Database):
    """A real database that keeps the rows of every statement it runs."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.recorded: dict[Hashable, Sequence[AnyRow]] = {}

    def fetch(self, statement: Executable) -> Sequence[AnyRow]:
        rows = super().fetch(statement)
        self.recorded[statement_key(statement)] = rows
        return rows


class ReplayDatabase(Database):
    """No database: answers only the statements recorded at start-up.

    Its engine is an empty in-memory SQLite that nothing reads (``fetch`` is replaced); it only
    makes ``Database`` behave as on SQLite, where batch functions run inline.
    """

    def __init__(self, recorded: Mapping[Hashable, Sequence[AnyRow]]) -> None:
        super().__init__(create_engine("sqlite://"))
        self.recorded = recorded

    def fetch(self, statement: Executable) -> Sequence[AnyRow]:
        try:
            return self.recorded[statement_key(statement)]
        except KeyError:
            raise LookupError("the reference has no database for this statement") from None

    def scalar(self, statement: Executable) -> Any:
        raise LookupError("the reference has no database")

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Database]:
        """Nothing to hold: every request reads the same recorded rows."""
        yield self


def values_of(*columns: Any) -> KeySource:
    """Every distinct value of ``columns`` (each a key of the loader)."""

    def source(db: Database) -> list[Any]:
        return [row[0] for column in columns for row in db.fetch(select(column).distinct())]

    return source


def subjects(db: Database) -> list[Any]:
    """Every (subject type, id) that has a text, a source or a data-quality note."""
    tables = (models.Translation, models.Provenance, models.DataQualityNoteSubject)
    found = set()
    for model in tables:
        table = model.__table__  # type: ignore[attr-defined]
        statement = select(table.c.subject_type, table.c.subject_id).distinct()
        found.update((row[0], row[1]) for row in db.fetch(statement))
    return sorted(found)


def _c(model: Any) -> Any:
    return model.__table__.c


ORGANISATION_IDS = values_of(_c(models.Organisation).id)
UNIT_IDS = values_of(_c(models.LeadershipUnit).id)
OFFICE_IDS = values_of(_c(models.RegionalOffice).id)
COUNTRY_IDS = values_of(_c(models.Country).id)
INSTITUTION_IDS = values_of(_c(models.Institution).id)
NOTE_IDS = values_of(_c(models.DataQualityNote).id)

# Each attribute of ``Loaders``: its batch function, every existing key, and whether a key
# maps to a list (default []) or to one record (default None) — as in ``resolvers.loaders``.
LOADERS: dict[str, tuple[Fetch, KeySource, bool]] = {
    "organisation_by_id": (organisation.organisations_by_ids, ORGANISATION_IDS, False),
    "organisation_by_slug": (
        organisation.organisations_by_slugs,
        values_of(_c(models.Organisation).slug),
        False,
    ),
    "leadership_by_organisation": (leadership.units_by_organisation_ids, ORGANISATION_IDS, True),
    "leadership_by_id": (leadership.units_by_ids, UNIT_IDS, False),
    "leadership_by_slug": (
        leadership.units_by_slugs,
        values_of(_c(models.LeadershipUnit).slug),
        False,
    ),
    "direct_reports": (leadership.units_by_manager_ids, UNIT_IDS, True),
    "offices_by_organisation": (office.offices_by_organisation_ids, ORGANISATION_IDS, True),
    "office_by_id": (office.offices_by_ids, OFFICE_IDS, False),
    "office_by_slug": (office.offices_by_slugs, values_of(_c(models.RegionalOffice).slug), False),
    "office_by_supported_country": (office.offices_by_supported_country_ids, COUNTRY_IDS, False),
    "offices_by_host_country": (office.offices_by_host_country_ids, COUNTRY_IDS, True),
    "successors_by_office": (succession.successors_by_office_ids, OFFICE_IDS, True),
    "predecessors_by_office": (succession.predecessors_by_office_ids, OFFICE_IDS, True),
    "country_by_id": (country.countries_by_ids, COUNTRY_IDS, False),
    "country_by_code": (
        country.countries_by_codes,
        values_of(_c(models.Country).alpha2, _c(models.Country).alpha3),
        False,
    ),
    "countries_by_office": (country.countries_by_office_ids, OFFICE_IDS, True),
    "institution_by_id": (institution.institutions_by_ids, INSTITUTION_IDS, False),
    "institution_by_slug": (
        institution.institutions_by_slugs,
        values_of(_c(models.Institution).slug),
        False,
    ),
    "institutions_by_parent": (institution.institutions_by_parent_ids, INSTITUTION_IDS, True),
    "links_by_office": (link.links_by_office_ids, OFFICE_IDS, True),
    "links_by_institution": (link.links_by_institution_ids, INSTITUTION_IDS, True),
    "sources_by_subject": (provenance.sources_by_subjects, subjects, True),
    "notes_by_subject": (provenance.notes_by_subjects, subjects, True),
    "note_by_id": (provenance.notes_by_ids, NOTE_IDS, False),
    "note_by_slug": (provenance.notes_by_slugs, values_of(_c(models.DataQualityNote).slug), False),
    "subjects_by_note": (provenance.subjects_by_note_ids, NOTE_IDS, True),
    "evidence_by_country": (coverage_evidence.evidence_by_country_ids, COUNTRY_IDS, True),
    "statements_by_organisation": (
        statement.statements_by_organisation_ids,
        ORGANISATION_IDS,
        True,
    ),
    "statements_by_institution": (
        statement.statements_by_institution_ids,
        INSTITUTION_IDS,
        True,
    ),
}


@dataclass(frozen=True)
class Answers:
    """One loader's precomputed answers."""

    found: Mapping[Any, Any]
    many: bool  # a list per key (default []) rather than one record (default None)

    def loader(self) -> DataLoader[Any, Any]:
        """A fresh DataLoader answering from ``found`` (one per request, like ``Loaders``)."""
        found, many = self.found, self.many

        async def load(keys: list[Any]) -> list[Any]:
            if many:
                return [found.get(key, []) for key in keys]
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load)


class InMemoryLoaders:
    """Stands in for ``resolvers.loaders.Loaders``: the same attributes, no database."""

    def __init__(self, db: Database, answers: Mapping[str, Answers]) -> None:
        self.db = db
        for name, precomputed in answers.items():
            setattr(self, name, precomputed.loader())


@dataclass
class InMemoryContext(Context):
    """iom-graph's ``Context`` with in-memory loaders."""

    answers: Mapping[str, Answers] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.loaders = InMemoryLoaders(self.db, self.answers)  # type: ignore[assignment]


def check_loader_names() -> None:
    """Refuse to start if ``Loaders`` gained or lost an attribute ``LOADERS`` does not mirror."""
    expected = set(vars(Loaders(ReplayDatabase({})))) - {"db"}
    if expected != set(LOADERS):
        missing, extra = sorted(expected - set(LOADERS)), sorted(set(LOADERS) - expected)
        raise RuntimeError(
            f"reference_app.LOADERS is out of date: missing {missing}, extra {extra}"
        )


def precompute_answers(db: Database) -> dict[str, Answers]:
    """Run every batch function once with every existing key."""
    return {
        name: Answers(dict(fetch(db, keys(db))), many)
        for name, (fetch, keys, many) in LOADERS.items()
    }


def record_direct_queries(engine: Engine) -> dict[Hashable, Sequence[AnyRow]]:
    recording = RecordingDatabase(engine)
    for query in DIRECT_QUERIES:
        query(recording)
    return recording.recorded


# The same collector thresholds as server.py: both servers pay the same for garbage.
GC_THRESHOLDS = (20_000, 10, 10)


def create_app() -> Starlette:
    check_loader_names()
    settings = Settings()  # an entry point of its own (uvicorn --factory): it reads the env
    engine = build_engine(os.environ[DATABASE_ENV])
    try:
        answers = precompute_answers(Database(engine))
        sizes: ListSizes = list_sizes(Database(engine))
        db = ReplayDatabase(record_direct_queries(engine))
    finally:
        engine.dispose()
    limits = settings.limits()
    endpoint = GraphQLEndpoint(
        build_schema(limits),
        db,
        # No response cache: the reference measures execution.
        build_caching(0, settings.cache_max_age_seconds, None, lambda: None),
        execution=ExecutionLimits(
            settings.request_timeout_seconds, settings.max_concurrent_executions or 1
        ),
        page_limits=limits.page,
        dataset=DatasetState(sizes),
        rate_limits=build_rate_limits(
            settings.rate_limit_per_second, settings.rate_limit_burst, settings.api_key_header, None
        ),
        context_factory=partial(InMemoryContext, answers=answers),
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        gc.set_threshold(*GC_THRESHOLDS)
        gc.collect()
        gc.freeze()
        yield

    return Starlette(
        routes=[Route("/graphql", endpoint.handle, methods=["POST", "GET"])], lifespan=lifespan
    )
