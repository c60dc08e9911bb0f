"""The rules of the offices: texts, coverage and its evidence, periods of validity and
successions (``db.rules`` runs them with the others)."""

from datetime import date

from db.entries import Coverage, Dataset, DateFact, Office
from db.partial_dates import PartialDate
from db.rule_checker import Checker
from db.vocabulary import ConfidenceLevel, CoverageEvidenceKind, OfficeKind, SuccessionKind


def office_rules(dataset: Dataset, check: Checker) -> set[str]:
    offices = check.unique("office", [o.slug for o in dataset.offices])
    periods = {office.slug: _period(office, check) for office in dataset.offices}
    covered: dict[str, list[str]] = {}
    for office in dataset.offices:
        where = f"office {office.slug!r}"
        check.texts(where, office.names)
        check.texts(f"{where} region", office.region)
        check.texts(f"{where} location", office.location)
        check.in_seed(f"{where} seed_heading", office.seed_heading)
        for language, page in office.city_sources.items():
            if office.city.get(language, "\0") not in page.quote:
                check.problems.append(f"{where} city ({language}): not in its page's quote")
        check.country(f"{where} host_country", office.host_country)
        coverage = office.coverage
        if (coverage is None) != (office.kind == OfficeKind.LIAISON_OFFICE):
            check.problems.append(
                f"{where}: a regional office needs its coverage, a liaison office has none"
            )
        if coverage is None:
            continue
        for code in coverage.countries:
            check.country(f"{where} coverage", code)
            for other in covered.get(code, []):
                if _overlap(periods[office.slug], periods[other]):
                    check.problems.append(
                        f"{where} coverage: {code} is already supported by office {other!r}"
                    )
            covered.setdefault(code, []).append(office.slug)
        _evidence_rules(where, coverage, check)
        for slug in coverage.derived_from:
            if slug not in offices:
                check.problems.append(f"{where} coverage: derived from unknown office {slug!r}")
    _succession_rules(dataset, check, offices)
    return offices


def _evidence_rules(where: str, coverage: Coverage, check: Checker) -> None:
    """Evidence names known countries; only a page that lists a country states it (high), and
    a country assigned to another office is not in this office's list."""
    for rank, item in enumerate(coverage.evidence, start=1):
        at = f"{where} coverage evidence {rank}"
        for code in item.countries:
            check.country(at, code)
        if item.confidence == ConfidenceLevel.HIGH and item.kind != CoverageEvidenceKind.LISTS:
            check.problems.append(f"{at}: only a page that lists countries can be high")
        if item.kind == CoverageEvidenceKind.ASSIGNED_ELSEWHERE:
            for code in set(item.countries) & set(coverage.countries):
                check.problems.append(f"{at}: {code} is assigned elsewhere but in the list")


# When an office is surely in force: from the last day its start may be to the first day its
# end may be (None: unbounded). A date known to the year leaves the rest of that year uncertain.
Period = tuple[date | None, date | None]


def _partial_date(where: str, fact: DateFact, check: Checker) -> PartialDate | None:
    if fact.value is None:
        if not fact.unknown:
            check.problems.append(f"{where}: no value and no `unknown` saying why")
        return None
    if fact.precision is None or fact.source is None or fact.quote is None:
        check.problems.append(f"{where}: a date needs its precision, source and quote")
        return None
    try:
        return PartialDate.parse(fact.value, fact.precision)
    except ValueError as error:
        check.problems.append(f"{where}: {error}")
        return None


def _period(office: Office, check: Checker) -> Period:
    where = f"office {office.slug!r}"
    start = _partial_date(f"{where} valid_from", office.valid_from, check)
    end = _partial_date(f"{where} valid_until", office.valid_until, check)
    _attested_rules(where, office, check)
    if start is not None and end is not None and end.last_day() < start.first_day():
        check.problems.append(
            f"{where}: valid_until {end.value} is before valid_from {start.value}"
        )
    return (
        start.last_day() if start else None,
        end.first_day() if end else None,
    )


def _attested_rules(where: str, office: Office, check: Checker) -> None:
    """``attested_from`` only stands in for a start no page dates, and needs its source,
    quote, confidence and derivation (no page dates the office itself)."""
    fact = office.attested_from
    if fact is None:
        return
    if office.valid_from.value is not None:
        check.problems.append(f"{where}: attested_from is only for a start no page dates")
    if fact.value is None or fact.confidence is None or fact.derivation is None:
        check.problems.append(f"{where} attested_from: needs a value, confidence and derivation")
    _partial_date(f"{where} attested_from", fact, check)


def _overlap(first: Period, second: Period) -> bool:
    """True when some day has both offices surely in force."""
    starts = [day for day in (first[0], second[0]) if day is not None]
    ends = [day for day in (first[1], second[1]) if day is not None]
    return not starts or not ends or max(starts) < min(ends)


def _succession_rules(dataset: Dataset, check: Checker, offices: set[str]) -> None:
    """Predecessors are known offices, and a successor of a merger starts exactly where each
    predecessor ends."""
    by_slug = {office.slug: office for office in dataset.offices}
    for office in dataset.offices:
        where = f"office {office.slug!r} predecessors"
        for predecessor in office.predecessors:
            if predecessor.office not in offices:
                check.problems.append(f"{where}: unknown office {predecessor.office!r}")
                continue
            if predecessor.kind == SuccessionKind.TOOK_OVER_FUNCTION:
                # A function moved, not a region: no date ties the two periods, and no page
                # states the change in words, so it needs its derivation.
                if predecessor.derivation is None:
                    check.problems.append(
                        f"{where}: {predecessor.office!r} took over a function; say how "
                        "that is known (derivation)"
                    )
                continue
            ended = by_slug[predecessor.office].valid_until
            began = office.valid_from
            if (ended.value, ended.precision) != (began.value, began.precision):
                check.problems.append(
                    f"{where}: {predecessor.office!r} ends {_shown(ended)} but {office.slug!r} "
                    f"starts {_shown(began)}; a successor starts where its predecessor ends"
                )


def _shown(fact: DateFact) -> str:
    return "at an unknown date" if fact.value is None else f"{fact.value} ({fact.precision})"
