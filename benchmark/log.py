"""Progress lines on stderr (stdout carries only the Markdown report)."""

import sys
import time

_STARTED = time.monotonic()


def note(message: str) -> None:
    elapsed = time.monotonic() - _STARTED
    print(f"[{elapsed // 60:02.0f}:{elapsed % 60:04.1f}] {message}", file=sys.stderr, flush=True)
