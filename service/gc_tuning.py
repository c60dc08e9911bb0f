"""The garbage collector of a serving process: its tuning, in one place (issue 26, "the tail").

Most of what a request allocates is freed by reference counting as soon as the response is
sent. What a request left in reference cycles, which only the collector frees, was 43
container objects a lookup (counted with the collector off over 1,440 lookups). The cycles
found (``gc.DEBUG_SAVEALL``, then a path from each object back to itself), both broken since:
the service layer's ``_Exchange`` kept a bound method of itself (``send_coded``), and its gzip
or identity responder still points back at it until the response is logged (``ServiceLayer``
then drops the responder); graphql-core's execution context keeps bound methods of itself
(``async_helpers``), and through it the request's context, plan record and variables (23
objects a lookup), until ``PlannedExecutionContext`` drops them once the result is complete
(``schema.execution.planner``; strawberry's own context, with the plan off, keeps them). Now
0 objects a lookup, counted with the collector off over 300 lookups of the ASGI app in
process; the youngest generation was not collected once over 5,000 executions in process (66
times with ``async_helpers`` kept). The pauses measured below predate both changes.
Two things decide what the collector costs a process that serves:

- What it scans. A collection of the oldest generation walks every object it holds: after
  start-up, the modules, the schema and the in-memory dataset (about 150,000 objects) that
  live as long as the process. ``gc.freeze()`` once start-up is done moves them out of every
  generation the collector scans (``freeze_start_up_objects``). A frozen object is still
  freed by reference counting (a dataset read again replaces the old one: it holds no cycle);
  one in a cycle would stay, which is why only start-up's objects are frozen, once.
- How often, and so how long each pause is. The youngest generation is collected once
  ``young_threshold`` container objects were allocated net of those freed. At 20,000 (this
  process's setting until issue 26), a lookup paid a pause of 6-10 ms of CPU once in about 400
  requests (each collection freed some 16,000 objects at once), and the collector's total CPU
  was 1.5-2.9 times that at 2,000 in the same runs. At 2,000, a pause is about 0.3-0.5 ms, once
  in about 40 lookups, and the collector's total CPU per request the same or lower, on a lookup
  and on the nested query alike (measured in-process with ``gc.callbacks``, CPU time, in the
  commit that set it). Python's own 700 measured about
  the same as 2,000 on a lookup.

``server.py`` (the process entry point) applies both, in the process that serves and in each
worker; ``Settings.gc_tuning`` false leaves Python's defaults. The app factory never tunes the
collector itself: tests build many apps in one process, and freezing there would keep every
earlier app's cycles for good.
"""

import gc
from collections.abc import Callable

YOUNG_THRESHOLD = 2_000
# The older generations keep Python's own ratios: one collection of the next generation per
# ten of the one below (and the oldest only once its survivors grew by a quarter).
OLDER_THRESHOLDS = (10, 10)


def tune(enabled: bool, young_threshold: int = YOUNG_THRESHOLD) -> Callable[[], None] | None:
    """Set the collector's thresholds now (before start-up allocates the schema) and return
    what to run once start-up is done (``create_app``'s ``after_start``); with ``enabled``
    false, change nothing and return None."""
    if not enabled:
        return None
    gc.set_threshold(young_threshold, *OLDER_THRESHOLDS)
    return freeze_start_up_objects


def freeze_start_up_objects() -> None:
    """Objects alive after start-up (modules, schema, the dataset read, pools) live as long as
    the process: collect what start-up left behind, then keep the rest out of every
    collection."""
    gc.collect()
    gc.freeze()
