"""``/feed.atom``: the dataset's versions as an Atom feed (feedgen), for integrators that do
not hold a socket. One entry per version kept (``db.history``), newest first, listing what
its load changed and linking to the data package of that version (``/data/?version=``).

The feed and its ETag are read in one read transaction, so the ETag (the dataset version)
names exactly the feed it tags; a client revalidating with it gets a 304 until the next load.
"""

from email.utils import format_datetime

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from resolvers.database import Database, read_transaction
from resolvers.dataset_history import ChangeRecord, VersionRecord, changes_of, list_versions
from service.request import etag_matches

MEDIA_TYPE = "application/atom+xml; charset=utf-8"
# Changes written out per entry; the rest is counted ("and 12 more"): the whole list is one
# datasetVersions query away, and a feed reader shows an entry, not a table.
CHANGES_PER_ENTRY = 50


def routes(database: Database) -> list[Route]:
    # The last feed built, by (version, base URL): a feed reader polling costs one statement
    # until the next load. One entry, so it never grows.
    built: dict[tuple[str | None, str], bytes] = {}

    def read(base: str) -> tuple[str | None, bytes]:
        with read_transaction(database) as snapshot:
            key = (snapshot.version, base)
            body = built.get(key)
            if body is None:
                versions = list_versions(snapshot)
                changes = changes_of(snapshot, [v.load_id for v in versions])
                body = build_feed(base, versions, changes)
                built.clear()  # threads may race here: each keeps the body it built
                built[key] = body
            return snapshot.version, body

    async def feed(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        version, body = await anyio.to_thread.run_sync(read, base)
        etag = f'"feed-{version or "empty"}"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=60, must-revalidate"}
        if etag_matches(request, etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=MEDIA_TYPE, headers=headers)

    return [Route("/feed.atom", feed, methods=["GET", "HEAD"])]


def build_feed(base: str, versions: list[VersionRecord], changes: list[ChangeRecord]) -> bytes:
    """The Atom document for ``versions`` (newest first) and their ``changes``."""
    from feedgen.feed import FeedGenerator  # with lxml (7 MB), loaded by the first feed only

    generator = FeedGenerator()
    generator.id(f"{base}/feed.atom")
    generator.title("iom-graph: dataset versions")
    generator.subtitle("Each load that changed the dataset of the IOM structure, with its changes.")
    generator.author({"name": "iom-graph"})
    generator.link(href=f"{base}/feed.atom", rel="self", type="application/atom+xml")
    generator.link(href=f"{base}/data/", rel="alternate")
    by_version: dict[str, list[ChangeRecord]] = {}
    for change in changes:
        by_version.setdefault(change.version, []).append(change)
    if versions:
        generator.updated(versions[0].loaded_at)
    for version in reversed(versions):  # feedgen puts the entry added last first
        entry = generator.add_entry()
        entry.id(f"urn:iom-graph:dataset-load:{version.load_id}:{version.version}")
        entry.title(f"Dataset version {version.version[:12]}: {_counts(version)}")
        entry.link(href=f"{base}/data/?version={version.version}", rel="alternate")
        entry.updated(version.loaded_at)
        entry.published(version.loaded_at)
        entry.content(_describe(version, by_version.get(version.version, [])), type="text")
    return bytes(generator.atom_str(pretty=True))


def _counts(version: VersionRecord) -> str:
    if version.previous_version is None:
        return f"first load, {version.added} entities"
    return f"{version.added} added, {version.removed} removed, {version.changed} fields changed"


def _describe(version: VersionRecord, changes: list[ChangeRecord]) -> str:
    lines = [
        f"Version {version.version}, loaded {format_datetime(version.loaded_at)}, "
        f"replacing {version.previous_version or 'nothing (first load)'}."
    ]
    for change in changes[:CHANGES_PER_ENTRY]:
        name = f"{change.entity_type} {change.entity_key}"
        if change.field is None:
            lines.append(f"{change.kind.value}: {name}")
        else:
            lines.append(
                f"changed: {name} {change.field}: {change.old_value!r} -> {change.new_value!r}"
            )
    if len(changes) > CHANGES_PER_ENTRY:
        lines.append(f"and {len(changes) - CHANGES_PER_ENTRY} more (see datasetVersions)")
    return "\n".join(lines)
