"""The office supporting a country on a day, remembered per dataset version
(``resolvers.country_office``): the same answer as choosing it again, on every day asked,
and never another version's."""

from datetime import date

from sqlalchemy import Engine

from resolvers.country_office import country_office
from resolvers.database import Database
from resolvers.edges import Edges
from resolvers.in_memory import read_in_memory
from resolvers.validity import office_for_country

DAYS = (date(2012, 3, 1), date(2024, 6, 1), date(2025, 2, 1), date(2026, 12, 7))


def test_remembered_answers_are_the_chosen_ones(seeded_engine: Engine) -> None:
    loaders = read_in_memory(Database(seeded_engine)).loaders
    offices = loaders.office_by_id
    countries = list(loaders.country_by_id.found.values())
    supported = 0
    for _ in range(2):  # the second round reads the memo
        for day in DAYS:
            for country in countries:
                records = [offices.found[c.office_id] for c in country.coverage]
                chosen = office_for_country(records, day)
                answer = country_office(loaders, country, day)
                assert answer.office is chosen
                assert answer.inferred == any(
                    c.inferred for c in country.coverage if chosen and c.office_id == chosen.id
                )
                supported += chosen is not None
    assert supported > 0
    kenya = loaders.country_by_code.found["KEN"]
    assert country_office(loaders, kenya, DAYS[-1]).office.slug == "nairobi"  # type: ignore[union-attr]
    # another version (here: one without offices) is never answered from the memo
    assert country_office(Edges.empty(), kenya, DAYS[-1]).office is None
    assert country_office(loaders, kenya, DAYS[-1]).office.slug == "nairobi"  # type: ignore[union-attr]
