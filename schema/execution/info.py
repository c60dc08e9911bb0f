"""The resolve info a resolver gets from the plan: built only when read beyond ``context``.

graphql-core builds a ``GraphQLResolveInfo`` (strawberry: a 15-field named tuple) for every
field on every object before calling its resolver. Most resolvers here read only
``info.context`` (the dataset's edges, the request's languages): building the rest for each
of them is most of what a text field costs. ``DeferredInfo`` holds the context, and builds
the field's real info, once, on the first read of anything else (``info.path``,
``info.field_name``, strawberry's ``selected_fields``...), with the same arguments graphql-core
would have used: the request's execution context and the field's exact path. Nothing
changes for a resolver that reads more; graphql-core's own fall-back execution builds its own.
"""

from collections.abc import Callable
from typing import Any

from graphql.pyutils import Path

BuildInfo = Callable[[Any, Path], Any]
"""Builds a field's real info: ``(execution context, path) -> GraphQLResolveInfo``."""


class DeferredInfo:
    """A field's resolve info on one object: ``context`` at once, the rest when first read."""

    __slots__ = ("_build", "_built", "_execution", "_path", "context")

    def __init__(self, execution: Any, build: BuildInfo, path: Path) -> None:
        self.context = execution.context_value
        self._execution, self._build, self._path, self._built = execution, build, path, None

    def __getattr__(self, name: str) -> Any:  # only for what ``__slots__`` does not hold
        built = self._built
        if built is None:
            built = self._built = self._build(self._execution, self._path)
        return getattr(built, name)
