"""Partial dates (``2024``, ``2011-09``, ``2011-07-01``): what a source states, and no more.

A partial date stands for every day of its period: ``2024`` is any day from 1 January to
31 December 2024. ``first_day`` and ``last_day`` bound that period; comparisons between periods
of validity use them, so a date known to the year never pretends to a day.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from db.vocabulary import DatePrecision

_PATTERNS = {
    DatePrecision.YEAR: re.compile(r"\d{4}"),
    DatePrecision.MONTH: re.compile(r"\d{4}-\d{2}"),
    DatePrecision.DAY: re.compile(r"\d{4}-\d{2}-\d{2}"),
}


@dataclass(frozen=True, slots=True)
class PartialDate:
    value: str
    precision: DatePrecision

    @classmethod
    def parse(cls, value: str, precision: str) -> "PartialDate":
        """The partial date ``value`` at ``precision``; ``ValueError`` saying why it is not one."""
        try:
            level = DatePrecision(precision)
        except ValueError:
            raise ValueError(f"precision {precision!r} is not year, month or day") from None
        if not _PATTERNS[level].fullmatch(value):
            shape = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}[level]
            raise ValueError(f"{value!r} is not a {level.value} ({shape})")
        parsed = cls(value, level)
        parsed.first_day()  # a month 13 or a 30 February is refused here
        return parsed

    def first_day(self) -> date:
        parts = [int(part) for part in self.value.split("-")]
        year, month, day = (*parts, 1, 1)[:3]
        try:
            return date(year, month, day)
        except ValueError as error:
            raise ValueError(f"{self.value!r} is not a date ({error})") from None

    def last_day(self) -> date:
        first = self.first_day()
        if self.precision is DatePrecision.DAY:
            return first
        if self.precision is DatePrecision.MONTH:
            return first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return first.replace(month=12, day=31)
