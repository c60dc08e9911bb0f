"""How the suite's property-based tests generate: reproducible, unhurried, with the health
checks that would refuse a schema-wide strategy switched off."""

from hypothesis import HealthCheck, settings

GENERATED = settings(
    max_examples=2000,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
