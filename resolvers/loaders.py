"""The per-request DataLoaders: one batch function per edge, created fresh for every request.

Never share a ``Loaders`` between requests: its caches would serve another request's data.
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

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
from resolvers.database import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _loader(
    db: Database, fetch: Callable[[Database, Sequence[K]], Mapping[K, V]]
) -> DataLoader[K, Any]:
    """A DataLoader whose batch function runs ``fetch`` once for all keys of a tick."""

    async def load(keys: list[K]) -> list[Any]:
        found = await db.run(fetch, db, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _list_loader(
    db: Database, fetch: Callable[[Database, Sequence[K]], Mapping[K, list[V]]]
) -> DataLoader[K, list[V]]:
    async def load(keys: list[K]) -> list[list[V]]:
        found = await db.run(fetch, db, keys)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """Every batch loader of one request."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.organisation_by_id = _loader(db, organisation.organisations_by_ids)
        self.organisation_by_slug = _loader(db, organisation.organisations_by_slugs)
        self.leadership_by_organisation = _list_loader(db, leadership.units_by_organisation_ids)
        self.leadership_by_id = _loader(db, leadership.units_by_ids)
        self.leadership_by_slug = _loader(db, leadership.units_by_slugs)
        self.direct_reports = _list_loader(db, leadership.units_by_manager_ids)
        self.offices_by_organisation = _list_loader(db, office.offices_by_organisation_ids)
        self.office_by_id = _loader(db, office.offices_by_ids)
        self.office_by_slug = _loader(db, office.offices_by_slugs)
        self.office_by_supported_country = _loader(db, office.offices_by_supported_country_ids)
        self.offices_by_host_country = _list_loader(db, office.offices_by_host_country_ids)
        self.successors_by_office = _list_loader(db, succession.successors_by_office_ids)
        self.predecessors_by_office = _list_loader(db, succession.predecessors_by_office_ids)
        self.country_by_id = _loader(db, country.countries_by_ids)
        self.country_by_code = _loader(db, country.countries_by_codes)
        self.countries_by_office = _list_loader(db, country.countries_by_office_ids)
        self.evidence_by_country = _list_loader(db, coverage_evidence.evidence_by_country_ids)
        self.institution_by_id = _loader(db, institution.institutions_by_ids)
        self.institution_by_slug = _loader(db, institution.institutions_by_slugs)
        self.institutions_by_parent = _list_loader(db, institution.institutions_by_parent_ids)
        self.links_by_office = _list_loader(db, link.links_by_office_ids)
        self.links_by_institution = _list_loader(db, link.links_by_institution_ids)
        self.statements_by_organisation = _list_loader(db, statement.statements_by_organisation_ids)
        self.statements_by_institution = _list_loader(db, statement.statements_by_institution_ids)
        self.sources_by_subject = _list_loader(db, provenance.sources_by_subjects)
        self.notes_by_subject = _list_loader(db, provenance.notes_by_subjects)
        self.note_by_id = _loader(db, provenance.notes_by_ids)
        self.note_by_slug = _loader(db, provenance.notes_by_slugs)
        self.subjects_by_note = _list_loader(db, provenance.subjects_by_note_ids)
