"""The plan's short way for leaves (``schema.execution.leaves``): a value takes it only where
graphql-core's completion would give that very value (or the enum's name), and the leaves an
object reads at once land in the document's order; anything else goes the general way."""

import pytest
from graphql import GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLString

from schema.execution.leaves import PlainLeaf, Shortcut, object_fields, shortcut
from schema.execution.outcome import FallbackReason, PlanStoppedError
from tests.conftest import DEFAULT_SCHEMA


def test_scalars_keep_their_exact_class_only() -> None:
    assert shortcut(GraphQLString, nullable=False) == Shortcut(frozenset({str}), None)
    assert shortcut(GraphQLID, nullable=True) == Shortcut(frozenset({str, type(None)}), None)
    assert shortcut(GraphQLBoolean, nullable=False) == Shortcut(frozenset({bool}), None)
    # a bool is an int to Python, "true" to serialize_string: not on the short way
    assert bool not in shortcut(GraphQLString, nullable=True).accepted  # type: ignore[union-attr]


def test_int_within_32_bits_only() -> None:
    cut = shortcut(GraphQLInt, nullable=True)
    assert cut is not None
    assert cut.accepted == {int, type(None)}
    assert cut.convert is not None
    assert cut.convert(2_147_483_647) == 2_147_483_647
    assert cut.convert(-2_147_483_648) == -2_147_483_648
    assert cut.convert(None) is None
    with pytest.raises(PlanStoppedError) as stopped:
        cut.convert(2_147_483_648)
    assert stopped.value.reason is FallbackReason.NOT_COERCED


def test_enum_names_are_the_types_own() -> None:
    enum_type = DEFAULT_SCHEMA._schema.type_map["RelationshipKind"]
    cut = shortcut(enum_type, nullable=False)  # type: ignore[arg-type]
    assert cut is not None
    assert cut.convert is not None
    members = list(enum_type.wrapped_cls)  # type: ignore[attr-defined]
    assert len(members) == 19
    for member in members:
        assert cut.convert(member) == enum_type.coerce_output_value(member)  # type: ignore[attr-defined]
    assert cut.convert(members[0]) == "COOPERATES_WITH"


class Source:
    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


def _leaf(name: str, cut: Shortcut | None) -> PlainLeaf:
    assert cut is not None
    return PlainLeaf(name, cut, lambda value: f"general:{value!r}")


def test_object_fields_in_document_order() -> None:
    run = object_fields(
        [
            ("__typename", "Office"),
            ("slug", _leaf("slug", shortcut(GraphQLString, nullable=False))),
            ("nested", lambda source, _path: {"deep": source.rank}),
            ("rank", _leaf("rank", shortcut(GraphQLInt, nullable=True))),
        ]
    )
    answer = run(Source(slug="nairobi", rank=3), None)
    assert list(answer.items()) == [
        ("__typename", "Office"),
        ("slug", "nairobi"),
        ("nested", {"deep": 3}),
        ("rank", 3),
    ]
    # a value off the short way (a bool for a String) completes the general way, each leaf
    slow = run(Source(slug=True, rank=None), None)
    assert slow == {
        "__typename": "Office",
        "slug": "general:True",
        "nested": {"deep": None},
        "rank": "general:None",
    }


def test_object_fields_only_leaves_and_a_missing_attribute() -> None:
    run = object_fields([("a", _leaf("a", shortcut(GraphQLString, nullable=True)))])
    assert run(Source(a=None), None) == {"a": None}
    with pytest.raises(PlanStoppedError) as stopped:
        run(Source(), None)
    assert stopped.value.reason is FallbackReason.RESOLVER_ERROR
