"""How the plan of a field (``schema.execution.fields``) reads its value: a plain leaf by its
name, or the field's resolver with its arguments bound, once with the plan or by each request
for those read from variables."""

from typing import Any

from graphql import GraphQLField, GraphQLObjectType, get_nullable_type, is_leaf_type
from graphql.execution.values import get_argument_values

from schema.execution.binding import binder, default_read, field_resolver_of
from schema.execution.completion import CompletingContext, discard, stop
from schema.execution.internals import FieldDetailsList
from schema.execution.leaves import PlainLeaf, shortcut
from schema.execution.outcome import FallbackReason
from schema.execution.resolution import Bound
from schema.execution.reuse import PerRequestArguments, uses_variables


class FieldReads(CompletingContext):
    """The reads of the fields ``FieldPlanning`` plans: ``_plain_leaf``, ``_bound_call``."""

    def _plain_leaf(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> PlainLeaf | str | None:
        """A leaf strawberry's default resolver reads (no arguments) with a ``Shortcut``,
        or the type's name for ``__typename``; None for any other field."""
        node = details[0].node
        field_name = node.name.value
        if field_name == "__typename":
            return object_type.name
        field_def = (
            None if field_name.startswith("__") else self.schema.get_field(object_type, field_name)
        )
        if field_def is None or field_def.args or node.arguments:
            return None
        nullable_type = get_nullable_type(field_def.type)
        if not is_leaf_type(nullable_type):
            return None
        resolve = field_resolver_of(field_def, self.field_resolver, self.middleware_manager)
        name = default_read(field_def, resolve)
        cut = shortcut(nullable_type, nullable_type is field_def.type)
        if name is None or cut is None:
            return None
        complete, _needs_info = self._completion(field_def.type, details)
        is_awaitable = self.is_awaitable
        self._site.fields_planned += 1

        def finish(value: Any) -> Any:
            if is_awaitable(value):
                discard(value)
            return complete(value, None, None)

        return PlainLeaf(name, cut, finish)

    def _bound_call(self, field_def: GraphQLField, details: FieldDetailsList) -> tuple[Bound, bool]:
        """The field's resolver with its arguments bound, and whether it takes the info.
        Arguments read from variables are coerced and bound by each request running the plan
        (``PlanSite.arguments``); the others once, with the plan."""
        first, node = details[0], details[0].node
        bind, takes_info = binder(field_def, self.field_resolver, self.middleware_manager)
        if not (field_def.args or node.arguments):
            return bind({}), takes_info
        fragment_variables = first.fragment_variable_values
        hide_suggestions = self.hide_suggestions

        def coerce(context: "FieldReads") -> dict[str, Any]:
            try:
                return get_argument_values(
                    field_def, node, context.variable_values, fragment_variables, hide_suggestions
                )
            except Exception as error:  # graphql-core: a field error
                raise stop(FallbackReason.ARGUMENTS) from error

        site = self._site
        if fragment_variables is not None:
            site.reusable = False  # the request's fragment arguments, not in the plan's key
        if fragment_variables is None and not uses_variables(node.arguments):
            return bind(coerce(self)), takes_info
        item = PerRequestArguments(coerce, bind)
        site.per_request.append(item)
        site.arguments[item] = bind(coerce(self))
        return (lambda source, info: site.arguments[item](source, info)), takes_info
