"""The fallback chain of languages for a text field (``resolvers.texts.languages_for``): the
remembered chain for a request's languages (a tuple) is the one made afresh from any other
iterable of them."""

import pytest

from resolvers.texts import languages_for


@pytest.mark.parametrize(
    ("explicit", "preferred", "chain"),
    [
        (None, (), ("en",)),
        ("fr", (), ("fr", "en")),
        (None, ("es", "fr"), ("es", "fr", "en")),
        ("fr", ("es", "fr", "en"), ("fr", "es", "en")),
        ("en", ("en",), ("en",)),
    ],
)
def test_chain_remembered_or_not(
    explicit: str | None, preferred: tuple[str, ...], chain: tuple[str, ...]
) -> None:
    assert languages_for(explicit, preferred) == chain
    assert languages_for(explicit, preferred) is languages_for(explicit, preferred)
    assert languages_for(explicit, list(preferred)) == chain
    assert languages_for(explicit, iter(preferred)) == chain
