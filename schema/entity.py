"""What every entity type shares: a Relay ID made of its natural key, found again through the
edge (``resolvers.edges``) for that key."""

from typing import Any, ClassVar, Self

from strawberry import relay

from db.vocabulary import SubjectType
from resolvers.edges import Edge
from schema.context import Info


class KeyedNode(relay.Node):
    """A Relay node whose ID is its natural key: the attribute ``key_field`` of the type,
    looked up through the edge ``key_edge`` (keys as ``normalise_key`` makes them).
    Provenance and search rows name it as ``subject_type`` and a row id, found through the
    edge ``id_edge``. Not a GraphQL type of its own: its subclasses are."""

    subject_type: ClassVar[SubjectType]
    key_field: ClassVar[str] = "slug"
    key_edge: ClassVar[Edge[str, Any, None]]
    id_edge: ClassVar[Edge[int, Any, None]]

    @classmethod
    def from_record(cls, record: Any) -> Self:
        raise NotImplementedError

    @classmethod
    def normalise_key(cls, key: str) -> str:
        return key

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return str(getattr(root, cls.key_field))

    @classmethod
    def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Self | None]:
        records = info.context.loaders[cls.key_edge].load_many(
            [cls.normalise_key(str(key)) for key in node_ids]
        )
        return [cls.from_record(record) if record else None for record in records]

    @classmethod
    def resolve_reference(cls, info: Info, **key: str) -> Self | None:
        """The entity a federation gateway names by one ``@key`` field (``_entities``; the
        representation is checked by ``schema.federation`` first), or None. strawberry calls
        this with the representation's fields as keywords, and ``info`` because a parameter
        has that name. Through the edge ``key_edge``, in memory. The key must match exactly
        (a reference is an identity, not a search: `KE` is no Country's alpha3)."""
        ((field, value),) = key.items()
        record = info.context.loaders[cls.key_edge].load(value)
        if record is None or getattr(record, field) != value:
            return None
        return cls.from_record(record)
