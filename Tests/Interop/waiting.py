"""Polling helper shared by the interop tests."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

import pytest

T = TypeVar("T")


def eventually(fetch: Callable[[], T], ok: Callable[[T], bool], what: str, timeout: float = 20) -> T:
    """Calls `fetch` until `ok(result)`; fails with the last result after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if ok(result):
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; last: {result!r}")
        time.sleep(0.05)


def ended_task(svix: object, task_id: str, timeout: float = 30) -> object:
    """A background task polled through the Svix SDK until it is no longer running, as Svix clients do."""
    return eventually(lambda: svix.background_task.get(task_id), lambda t: t.status.value != "running",
                      f"background task {task_id}", timeout)
