"""Relay cursor connections: page info, edges, the ``nodes`` shortcut and ``totalCount``."""

from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

import strawberry

from resolvers.arguments import MAX_CURSOR_LENGTH
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageRequest, paginate

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
    cursor: str = strawberry.field(description="Opaque cursor of this item, for `after`/`before`.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The page's items, with cursors.")
    nodes: list[NodeT] = strawberry.field(description="The page's items, without cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the list.")
    total_count: int = strawberry.field(description="Number of items in the whole list.")


def page_info(page: Page[object]) -> PageInfo:
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
    nodes = [to_node(item) for item in page.items]
    return Connection(
        edges=[Edge(cursor=page.cursor(i), node=node) for i, node in enumerate(nodes)],
        nodes=nodes,
        page_info=page_info(page),  # type: ignore[arg-type]
        total_count=page.total_count,
    )
