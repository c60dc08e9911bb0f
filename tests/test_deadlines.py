"""``service.deadlines``: the request timeout of every operation in progress, on one timer."""

import asyncio

import pytest

from service.deadlines import Deadlines


async def bounded(deadlines: Deadlines, seconds: float, work: float) -> str:
    """``work`` seconds of waiting under a deadline ``seconds`` away."""
    loop = asyncio.get_running_loop()
    try:
        with deadlines.start(loop, loop.time() + seconds):
            await asyncio.sleep(work)
    except TimeoutError:
        return "timed out"
    return "done"


def test_each_operation_stops_at_its_own_deadline() -> None:
    async def run() -> tuple[str, ...]:
        deadlines = Deadlines()
        first = asyncio.create_task(bounded(deadlines, 0.05, 10))
        await asyncio.sleep(0.02)
        quick = asyncio.create_task(bounded(deadlines, 0.05, 0))
        second = asyncio.create_task(bounded(deadlines, 0.05, 10))
        third = asyncio.create_task(bounded(deadlines, 0.05, 0.03))
        results = await asyncio.gather(first, quick, second, third)
        assert deadlines.pending == {}
        return tuple(results)

    assert asyncio.run(run()) == ("timed out", "done", "timed out", "done")


def test_a_timed_out_operation_takes_its_deadline_not_later() -> None:
    async def run() -> float:
        deadlines = Deadlines()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.create_task(bounded(deadlines, 0.1, 0))  # its timer stays armed
        await asyncio.sleep(0.05)
        assert await bounded(deadlines, 0.1, 10) == "timed out"
        return loop.time() - started

    assert 0.14 < asyncio.run(run()) < 0.5


def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    async def run() -> None:
        deadlines = Deadlines()
        task = asyncio.create_task(bounded(deadlines, 10, 10))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())


def test_a_new_event_loop_gets_its_own_timer() -> None:
    deadlines = Deadlines()

    async def leave_one_armed() -> None:
        assert await bounded(deadlines, 10, 0) == "done"

    asyncio.run(leave_one_armed())  # its loop closes with the timer armed
    assert asyncio.run(bounded(deadlines, 0.02, 10)) == "timed out"
