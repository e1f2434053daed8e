"""Queues between processes: an exclusive lock file held for a whole run, waited for with a clear message."""
from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator


class Busy(TimeoutError):
    """Another process kept the lock for longer than we were willing to wait."""


def wait_seconds() -> float:
    """How long to queue behind another run ($TASKSPACE_LOCK_TIMEOUT, default 600 s)."""
    return float(os.environ.get("TASKSPACE_LOCK_TIMEOUT", "600"))


def holder(path: Path) -> str:
    """Who holds the lock at PATH, as written by them ('another process' when unreadable)."""
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another process"
    return f"{info.get('what', 'a taskspace command')} (pid {info.get('pid')}, since {info.get('since')})"


@contextmanager
def hold(path: str | os.PathLike, what: str, purpose: str, timeout: float | None = None,
         unless: Callable[[], object] | None = None) -> Iterator[bool]:
    """Hold the lock at PATH for the block (yields True), queueing behind its holder (a note on stderr) for up to
    TIMEOUT s; yields False, without it, as soon as UNLESS() is true; Busy names the holder and PURPOSE when the
    wait runs out."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    timeout = wait_seconds() if timeout is None else timeout
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline, told = time.monotonic() + timeout, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if unless is not None and unless():
                    yield False
                    return
                if time.monotonic() >= deadline:
                    raise Busy(f"{purpose} is busy: {holder(path)} is still running after {timeout:g} s of waiting "
                               f"(set TASKSPACE_LOCK_TIMEOUT to wait longer)") from None
                if not told:
                    sys.stderr.write(f"taskspace: waiting for {holder(path)} to finish with {purpose} "
                                     f"(up to {timeout:g} s)\n")
                    sys.stderr.flush()
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"what": what, "pid": os.getpid(),
                                  "since": datetime.now().isoformat(timespec="seconds")}).encode(), 0)
        try:
            yield True
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
