"""Both clocks of ``service.ratelimit`` under a test's control, for exact X-RateLimit-* values.

@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return controlled_clock(monkeypatch)

def test_x(clock: Clock) -> None:
    clock.now += 2.0  # two seconds pass for the buckets and for X-RateLimit-Reset
"""

from dataclasses import dataclass

import pytest

from service import ratelimit

EPOCH = 1_800_000_000  # the wall clock at the start: 2027-01-15T08:00:00Z


@dataclass
class Clock:
    """Seconds since the test began; the wall clock is EPOCH plus them."""

    now: float = 0.0

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return EPOCH + self.now


def controlled_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A Clock at 0 that service.ratelimit reads until the test ends."""
    controlled = Clock()
    monkeypatch.setattr(ratelimit, "monotonic", controlled.monotonic)
    monkeypatch.setattr(ratelimit, "wall_clock", controlled.wall)
    return controlled
