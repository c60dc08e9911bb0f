"""The office supporting a country on a day, remembered per dataset version.

``Country.regionalOffice`` and ``Country.coverageInferred`` choose it on every request by
comparing the validity periods of the country's offices (``resolvers.validity``): on the
nested query that is 190 countries a request, each choosing again what the request before
chose. The choice depends only on the dataset version (the country's coverage, the offices'
records) and the day, so it is kept for the version in use: a request on another version
(another ``Edges``) starts afresh. At most ``KEPT`` answers are kept (days come from clients:
``asOf``, ``Accept-Datetime``); beyond that the memo starts again.
"""

from datetime import date
from typing import Any, NamedTuple
from weakref import ReferenceType, ref

from resolvers.country import CountryRecord
from resolvers.edges import Edges, Lookup
from resolvers.regional_office import OfficeRecord
from resolvers.validity import office_for_country

KEPT = 4096


class CountryOffice(NamedTuple):
    """The office supporting a country on a day (None: none), and whether that support is
    inferred (no HIGH item lists the country)."""

    office: OfficeRecord | None
    inferred: bool


class _Memo:
    __slots__ = ("answers", "owner")

    def __init__(self) -> None:
        self.owner: ReferenceType[Any] | None = None
        self.answers: dict[tuple[int, date], CountryOffice] = {}


_MEMO = _Memo()


def _choose(
    offices: Lookup[int, OfficeRecord, None], country: CountryRecord, day: date
) -> CountryOffice:
    found = offices.load_many([coverage.office_id for coverage in country.coverage])
    office = office_for_country([o for o in found if o is not None], day)
    inferred = office is not None and any(
        c.inferred for c in country.coverage if c.office_id == office.id
    )
    return CountryOffice(office, inferred)


def country_office(loaders: Edges, country: CountryRecord, day: date) -> CountryOffice:
    """The office supporting ``country`` on ``day``, in the dataset version of ``loaders``."""
    memo = _MEMO
    owner = memo.owner
    if owner is None or owner() is not loaders:
        memo.owner, memo.answers = ref(loaders), {}
    answers = memo.answers
    key = (country.id, day)
    answer = answers.get(key)
    if answer is None:
        answer = _choose(loaders.office_by_id, country, day)
        if len(answers) >= KEPT:
            answers.clear()
        answers[key] = answer
    return answer
