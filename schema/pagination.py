"""Relay cursor connections: page info, edges, the ``nodes`` shortcut and ``totalCount``."""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from resolvers.arguments import MAX_CURSOR_LENGTH
from resolvers.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Page,
    PageRequest,
    encode_cursor,
    paginate,
)

NodeT = TypeVar("NodeT")
ItemT = TypeVar("ItemT")

# The documented defaults: the SDL never depends on the settings a process runs with.
PAGE_ARGUMENTS_NOTE = (
    f"Default page size {DEFAULT_PAGE_SIZE}; maximum {MAX_PAGE_SIZE} "
    "(asking for more is an error, never a silent cut)."
)
First = Annotated[
    int | None,
    strawberry.argument(
        description="Return the first n items after `after`. " + PAGE_ARGUMENTS_NOTE
    ),
]
CURSOR_NOTE = f"At most {MAX_CURSOR_LENGTH} characters."
After = Annotated[
    str | None,
    strawberry.argument(description=f"Cursor: return items after this one. {CURSOR_NOTE}"),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Return the last n items before `before`. " + PAGE_ARGUMENTS_NOTE
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(description=f"Cursor: return items before this one. {CURSOR_NOTE}"),
]


@strawberry.federation.type(shareable=True, description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when items follow this page.")
    has_previous_page: bool = strawberry.field(description="True when items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the page's last item.")


@strawberry.type(description="An item of a list, with its cursor.")
class Edge(Generic[NodeT]):
    item: strawberry.Private[NodeT]
    # Its offset in the whole list: the cursor is encoded only when a client selects it.
    offset: strawberry.Private[int]

    @strawberry.field(description="Opaque cursor of this item, for `after`/`before`.")
    def cursor(self) -> str:
        return encode_cursor(self.offset)

    @strawberry.field(description="The item.")
    def node(self) -> NodeT:
        return self.item


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[NodeT]):
    # The page and its items as GraphQL types: edges, cursors and page info are made only for
    # the fields a client selects (most select ``nodes`` or ``edges``, not both).
    page: strawberry.Private[Page[Any]]
    items: strawberry.Private[list[NodeT]]

    @strawberry.field(description="The page's items, with cursors.")
    def edges(self) -> list[Edge[NodeT]]:
        start = self.page.start
        return [Edge(item=item, offset=start + i) for i, item in enumerate(self.items)]

    @strawberry.field(description="The page's items, without cursors.")
    def nodes(self) -> list[NodeT]:
        return self.items

    @strawberry.field(description="Where this page stands in the list.")
    def page_info(self) -> PageInfo:
        return page_info(self.page)

    @strawberry.field(description="Number of items in the whole list.")
    def total_count(self) -> int:
        return self.page.total_count


def page_info(page: Page[Any]) -> PageInfo:
    count = len(page.items)
    return PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=page.cursor(0) if count else None,
        end_cursor=page.cursor(count - 1) if count else None,
    )


def connection(
    items: Sequence[ItemT], request: PageRequest, to_node: Callable[[ItemT], NodeT]
) -> Connection[NodeT]:
    """Slice ``items`` by the page arguments and wrap each into its GraphQL type."""
    page = paginate(items, request)
    return Connection(page=page, items=[to_node(item) for item in page.items])
