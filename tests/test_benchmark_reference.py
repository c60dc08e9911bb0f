"""The benchmark's in-memory reference mirrors every DataLoader of the service: a loader added
to ``resolvers.loaders`` without its twin in ``benchmark/reference_app.py`` stopped the
benchmark at start-up; the suite now says so first."""

import pytest

from benchmark.reference_app import LOADERS, check_loader_names


def test_the_reference_mirrors_every_loader() -> None:
    check_loader_names()
    assert {"evidence_by_country", "statements_by_organisation"} <= set(LOADERS)


def test_a_missing_twin_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(LOADERS, "evidence_by_country")
    with pytest.raises(RuntimeError, match=r"missing \['evidence_by_country'\]"):
        check_loader_names()
