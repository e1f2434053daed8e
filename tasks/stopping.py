"""Stopping within seconds: SIGINT/SIGTERM raise Stopped in the main thread, again each second until the command
catches it (a signal can land where Python swallows exceptions: a weakref callback, a __del__, a C extension's
callback), and a hard exit follows a grace period."""
from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

_cleanups: list[Callable[[str], None]] = []
_armed = threading.Event()
_caught = threading.Event()   # the command's own handler has the Stopped: no more redelivery
_received: list[int] = []   # the signal that stopped this process, once one did
REDELIVER_S = 1.0


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: unwind, close what is open, exit with 128 + the signal number."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = int(signum)


def grace_seconds() -> float:
    """Seconds a stopped command may spend unwinding before it exits hard ($TASKSPACE_STOP_GRACE, default 8)."""
    return float(os.environ.get("TASKSPACE_STOP_GRACE", "8"))


def stop_reason(exc: BaseException) -> tuple[str, str, int | None]:
    """(status, message, signal) of a run ended by EXC: 'cancelled' for a signal (ours or Prefect's
    TerminationSignal), else 'failed' with the exception."""
    signum = getattr(exc, "signum", None) or (getattr(exc, "signal", None) if type(exc).__name__ == "TerminationSignal"
                                              else None)
    # a signal that landed inside a library call (a DuckDB query turns it into its own InterruptException) is
    # still that signal
    signum = signum or received()
    if signum or isinstance(exc, KeyboardInterrupt):
        signum = int(signum or signal.SIGINT)
        return "cancelled", f"stopped by {signal.Signals(signum).name}", signum
    return "failed", f"{type(exc).__name__}: {exc}", None


def received() -> int | None:
    """The signal that stopped this process, if one did."""
    return _received[0] if _received else None


def raise_if_stopped() -> None:
    """Raise Stopped if a signal has arrived: between steps, and after a flow that reported it as an ordinary
    failure (DuckDB turns the Stopped our handler raises inside a query into RuntimeError('Query interrupted'))."""
    if _received:
        raise Stopped(_received[0])


def caught() -> None:
    """The command has caught the Stopped and is unwinding: stop redelivering it."""
    _caught.set()


def arm(signum: int) -> None:
    """Start the grace period (once): when it runs out, run the cleanups and exit at once."""
    if _armed.is_set():
        return
    _armed.set()
    timer = threading.Timer(grace_seconds(), hard_exit, args=(signum,))
    timer.daemon = True
    timer.start()


def _redeliver(signum: int) -> None:
    """Send SIGNUM to the main thread again each REDELIVER_S until the Stopped is caught (or our handler is gone)."""
    main = threading.main_thread()
    while not _caught.wait(REDELIVER_S):
        if signal.getsignal(signum) is not _handler or not main.is_alive():
            return
        signal.pthread_kill(main.ident, signum)


def _quietly(fn: Callable[[str], None], why: str) -> None:
    try:
        fn(why)
    except Exception:
        pass


def hard_exit(signum: int) -> None:
    """Run every registered cleanup (each given 3 s) and leave without waiting for threads: exit 128 + SIGNUM."""
    why = f"stopped by {signal.Signals(signum).name} (did not unwind within {grace_seconds():g} s)"
    for fn in reversed(list(_cleanups)):
        t = threading.Thread(target=_quietly, args=(fn, why), daemon=True)
        t.start()
        t.join(3)
    sys.stderr.write(f"taskspace: {why}\n")
    sys.stderr.flush()
    os._exit(128 + signum)


@contextmanager
def on_hard_exit(fn: Callable[[str], None]) -> Iterator[None]:
    """Call FN(reason) if the process has to exit hard while the block runs (close a row, stop a server)."""
    _cleanups.append(fn)
    try:
        yield
    finally:
        _cleanups.remove(fn)


def _handler(signum: int, frame) -> None:
    """Until the command catches it, every signal raises Stopped (the first arms the grace period and starts the
    redelivery); once it unwinds, a second Ctrl-C exits at once and a repeated SIGTERM (Prefect passes its own on
    after unwinding a flow) is ignored."""
    if _caught.is_set():
        if signum == signal.SIGINT:
            hard_exit(signum)
        return
    if not _received:
        _received.append(int(signum))
        arm(signum)
        threading.Thread(target=_redeliver, args=(int(signum),), daemon=True, name="stop-redeliver").start()
    raise Stopped(_received[0])


def _unraisable(hook):
    """sys.unraisablehook that stays quiet about a Stopped Python had to swallow (it is redelivered)."""
    def quiet(info):
        if not isinstance(info.exc_value, Stopped):
            hook(info)
    return quiet


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM stop the block (Stopped) within the grace period; the old handlers come back after.
    A signal the parent set to be ignored (nohup, `cmd &` in a script) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old, hook = {}, sys.unraisablehook
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            old[sig] = signal.signal(sig, _handler)
    sys.unraisablehook = _unraisable(hook)
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for sig, h in old.items():
            signal.signal(sig, h)
