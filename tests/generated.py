"""How the suite's property-based tests generate, as two hypothesis profiles:

- ``suite``, the default (``make test``): reproducible (the same examples on every run, so CI
  stays reproducible) and sized to keep the suite within its time budget;
- ``deep`` (``make fuzz``, the scheduled job ``.ci/fuzz``): ``DEEP_FACTOR`` times the examples,
  a fresh random draw on every run, each failure printed with the blob that replays it.

A test states how many examples it draws in the suite with ``@examples(n)``; the profile
scales that count. Both profiles switch off the health checks that would refuse a schema-wide
strategy. ``tests/conftest.py`` imports this module, so the profiles exist before hypothesis'
pytest plugin reads ``--hypothesis-profile``.
"""

from hypothesis import HealthCheck, settings

SUITE_EXAMPLES = 100
DEEP_FACTOR = 10

_COMMON = settings(
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("suite", _COMMON, max_examples=SUITE_EXAMPLES, derandomize=True)
settings.register_profile(
    "deep", _COMMON, max_examples=SUITE_EXAMPLES * DEEP_FACTOR, derandomize=False, print_blob=True
)
settings.load_profile("suite")


def examples(count: int) -> settings:
    """``count`` examples under the suite's profile, scaled under another (``deep``: x10)."""
    scale = settings.default.max_examples / SUITE_EXAMPLES
    return settings(max_examples=round(count * scale))
