"""The Country type built from a record: ``Country.from_record`` fills the instance itself
(not through the dataclass's ``__init__``), so this checks it sets what that ``__init__`` sets."""

import dataclasses
from datetime import date

from resolvers.country import CountryRecord
from schema.country import Country

RECORD = CountryRecord(
    id=7,
    alpha2="KE",
    alpha3="KEN",
    numeric="404",
    is_iso=True,
    note=None,
    coverage=(),
    texts={},
)


def test_from_record_sets_every_field_the_constructor_takes() -> None:
    built = Country.from_record(RECORD, date(2020, 1, 1))
    constructed = Country(
        record=RECORD,
        alpha3="KEN",
        alpha2="KE",
        numeric="404",
        is_iso=True,
        note=None,
        as_of=date(2020, 1, 1),
    )
    assert vars(built) == vars(constructed)
    assert list(vars(built)) == [f.name for f in dataclasses.fields(Country) if f.init]


def test_from_record_without_a_day() -> None:
    assert Country.from_record(RECORD).as_of is None
    assert Country.from_record(RECORD) == Country(
        record=RECORD, alpha3="KEN", alpha2="KE", numeric="404", is_iso=True, note=None
    )
