"""Which offices are in force on a date, and how sure that is.

An office's period of validity runs from ``valid_from`` to ``valid_until``, partial dates that
stand for every day of their period (``db.partial_dates``). On a day inside the period of an
end known only to the year (or month), the office may or may not still be in force: it is
returned, marked uncertain, beside its successor, marked uncertain too. A start or an end no
page dates (null) does not bound the period: the office counts as in force before its end,
or after its start, as the page that describes it does. But no answer is more certain than
its sources: before the earliest date a page supports an office whose start is unknown
(``attested_from``: 1 July 2011 for six of the nine, 2024 for the Global Office), it is
only possibly in force (uncertain).
"""

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from functools import lru_cache

from db.partial_dates import PartialDate
from resolvers.errors import UserInputError
from resolvers.regional_office import OfficeRecord

EARLIEST_AS_OF = date(1951, 1, 1)  # IOM's founding year: no structure to answer for before


class InForce(StrEnum):
    """Whether an office is in force on a day."""

    CERTAIN = "certain"
    UNCERTAIN = "uncertain"  # the day falls in the period of a start or end known only coarsely


# Bounded, though the dataset's few validity dates would never fill it: a country's office is
# chosen on every request by comparing them (parsing them each time was 12% of a traversal).
@lru_cache(maxsize=4096)
def _period(value: str | None, precision: str | None) -> tuple[date, date] | None:
    """The first and last day of a bound of validity; None for no bound."""
    if not value or not precision:
        return None
    bound = PartialDate.parse(value, precision)
    return bound.first_day(), bound.last_day()


def in_force(office: OfficeRecord, day: date) -> InForce | None:
    """Whether ``office`` is in force on ``day``: surely, possibly, or (None) not at all."""
    start = _period(office.valid_from, office.valid_from_precision)
    end = _period(office.valid_until, office.valid_until_precision)
    if (start and day < start[0]) or (end and day > end[1]):
        return None
    if (start and day < start[1]) or (end and day >= end[0]):
        return InForce.UNCERTAIN
    attested = None if start else _period(office.attested_from, office.attested_from_precision)
    if attested and day < attested[1]:
        return InForce.UNCERTAIN  # unbounded, but no page supports the office existing yet
    return InForce.CERTAIN


def offices_in_force(offices: Iterable[OfficeRecord], day: date) -> list[OfficeRecord]:
    """The offices in force on ``day``, surely or possibly, in their given order."""
    return [office for office in offices if in_force(office, day) is not None]


def office_for_country(offices: Sequence[OfficeRecord], day: date) -> OfficeRecord | None:
    """Of the offices that support a country over time, the one supporting it on ``day``.

    Surely in force first; when none is (a day in the year of a change known only to the
    year), the office that began latest, the successor: the change is known to have happened
    that year, and the successor is where the country's support went.
    """
    candidates = [(in_force(office, day), office) for office in offices]
    sure = [office for state, office in candidates if state is InForce.CERTAIN]
    if sure:
        return sure[0]
    possible = [office for state, office in candidates if state is InForce.UNCERTAIN]
    return max(possible, key=lambda o: o.valid_from or "", default=None)


def check_as_of(day: date, argument: str = "asOf") -> date:
    """Refuse a date before IOM existed: no structure to answer for."""
    if day < EARLIEST_AS_OF:
        raise UserInputError(
            f"`{argument}`: {day.isoformat()} is before {EARLIEST_AS_OF.year}, when IOM was "
            "founded; give a date from 1951-01-01 on",
            argument,
        )
    return day
