"""The one Prefect API a command's flows use: $PREFECT_API_URL, a running `taskspace serve`'s, or a local server
started here (its database created on the first start, its output in a log file) and stopped with the command."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tasks.locks import hold
from tasks.stopping import on_hard_exit

# Prefect's own noise stays out of the user's output: no telemetry heartbeat (offline tracebacks, sqlite locks).
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
# A temporary server lives for one command: no automations (`taskspace serve` reacts to events), no UI.
TEMPORARY = {"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
             "PREFECT__SERVER_EPHEMERAL": "1"}
# The child asks the kernel to end it when its parent (taskspace) dies, however that happens.
BOOT = ("import ctypes, os, runpy, signal, sys\n"
        "if sys.platform.startswith('linux'):\n"
        "    ctypes.CDLL(None).prctl(1, signal.SIGTERM)\n"
        "if os.getppid() != int(sys.argv[1]):\n"
        "    sys.exit(0)\n"
        "sys.argv = ['uvicorn'] + sys.argv[2:]\n"
        "runpy.run_module('uvicorn', run_name='__main__', alter_sys=True)\n")


class PrefectUnavailable(RuntimeError):
    """No Prefect API could be reached or started; the message says what to do."""


def quiet() -> None:
    """Default the settings that keep Prefect's own noise out of the output (before Prefect is imported)."""
    for k, v in QUIET.items():
        os.environ.setdefault(k, v)


def note(text: str) -> None:
    """One line about Prefect on stderr (stdout stays the command's result)."""
    sys.stderr.write(f"taskspace: {text}\n")
    sys.stderr.flush()


def home() -> Path:
    """PREFECT_HOME as Prefect resolves it (profile and environment)."""
    from prefect.settings import get_current_settings
    return Path(get_current_settings().home)


def startup_timeout() -> float:
    """Seconds to wait for a local server ($PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, default 300)."""
    return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300"))


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Whether the API answers its health check."""
    import httpx
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """A Prefect server in a child process on 127.0.0.1, in its own session (a terminal's Ctrl-C reaches only
    taskspace, which stops it) and ended by the kernel if taskspace dies first."""

    def __init__(self, where: Path, port: int | None = None, temporary: bool = True):
        self.home, self.temporary = where, temporary
        self.port = port or free_port()
        self.log = where / "taskspace-server.log"
        self.proc: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        """Start it and wait until it answers; PrefectUnavailable (with the log's last lines) if it does not."""
        self.home.mkdir(parents=True, exist_ok=True)
        first = not (self.home / "prefect.db").exists()
        if first:
            note(f"first start of Prefect in {self.home}: creating its database (once; can take a minute)")
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(QUIET | {"PREFECT_HOME": str(self.home), "PREFECT__SERVER_FINAL": "1",
                            "PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(self.port)})
        if self.temporary:
            env.update(TEMPORARY)
        args = ["--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
                str(self.port), "--log-level", "error", "--lifespan", "on"]
        t0, timeout = time.monotonic(), startup_timeout()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", BOOT, str(os.getpid()), *args], env=env,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        try:
            while not healthy(self.api_url, 1.0):
                if self.proc.poll() is not None or time.monotonic() - t0 > timeout:
                    raise PrefectUnavailable(self._failure(timeout))
                time.sleep(0.2)
        except BaseException:   # also Ctrl-C while it starts
            self.stop()
            raise
        self.started_s = round(time.monotonic() - t0, 1)

    def _failure(self, timeout: float) -> str:
        """Why the server is not up, its log's last lines and what to do."""
        why = (f"exited with code {self.proc.returncode}" if self.proc.poll() is not None
               else f"did not answer within {timeout:g} s")
        self.stop()
        tail = "\n  ".join(self.log.read_text(errors="replace").strip().splitlines()[-12:]) or "(empty)"
        return (f"Prefect's local server ({self.api_url}) {why}. Log {self.log}:\n  {tail}\nSet "
                f"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS to wait longer, or start one yourself "
                f"(`prefect server start`) and export PREFECT_API_URL=http://127.0.0.1:4200/api")

    def stop(self, why: str = "") -> None:
        """SIGTERM its process group, then SIGKILL after 5 s."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, 15)
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
        except ProcessLookupError:
            pass


@contextmanager
def use(api_url: str, ui: bool = True) -> Iterator[str]:
    """Point Prefect (settings here, environment for subprocesses such as served flow runs) at API_URL; without UI
    no 'View at' links to a UI that is not there."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url, **({} if ui else {PREFECT_UI_URL: ""})}):
            yield api_url
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def serve_file(where: Path) -> Path:
    return where / "taskspace-serve.json"


def serve_url(where: Path) -> str | None:
    """The API of a `taskspace serve` running on this PREFECT_HOME, if one answers."""
    try:
        info = json.loads(serve_file(where).read_text())
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    return info["api_url"] if healthy(info["api_url"], 1.0) else None


def drain(timeout: float = 3.0) -> None:
    """Send the logs and events Prefect still buffers (before their server goes away; each kind up to TIMEOUT s)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=timeout, at_exit=False)


@contextmanager
def local_server(where: Path, port: int | None, temporary: bool) -> Iterator[LocalServer]:
    """A started LocalServer for the block (stopped after it, its buffered logs and events sent first; also
    stopped on a hard exit)."""
    server = LocalServer(where, port, temporary)
    with on_hard_exit(server.stop):
        server.start()
        try:
            yield server
        finally:
            try:
                drain()
            finally:
                server.stop()


@contextmanager
def prefect_api(kind: str = "temporary", port: int | None = None) -> Iterator[str]:
    """The API every flow of the block uses: $PREFECT_API_URL when set; else, for KIND 'temporary', a running
    `taskspace serve`'s or a temporary server of our own (one at a time per PREFECT_HOME: others queue), for KIND
    'serve' a full server (schedules, triggers, UI) that `taskspace run` finds and uses while it lives."""
    quiet()
    from prefect.settings import get_current_settings
    url = get_current_settings().api.url
    if url:
        if not healthy(url, 5.0):
            raise PrefectUnavailable(f"PREFECT_API_URL={url} does not answer; start that server or unset "
                                     f"PREFECT_API_URL to let taskspace start a temporary one")
        note(f"Prefect API {url} (PREFECT_API_URL)")
        yield url
        return
    where = home()
    what = "a taskspace command's temporary Prefect server" if kind == "temporary" else "taskspace serve's server"
    with hold(where / "taskspace-server.lock", what, f"Prefect's database in {where}",
              unless=(lambda: serve_url(where)) if kind == "temporary" else None) as mine:
        if not mine:
            served = serve_url(where)
            if served is None:
                raise PrefectUnavailable(f"taskspace serve on {where} stopped while this command waited for it")
            with use(served):
                note(f"Prefect API {served} (the one of taskspace serve)")
                yield served
            return
        with local_server(where, port, temporary=kind == "temporary") as server, \
                use(server.api_url, ui=not server.temporary):
            note(f"Prefect API {server.api_url} ({'temporary' if server.temporary else 'served'} server, "
                 f"up in {server.started_s} s, log {server.log})")
            if kind == "serve":
                serve_file(where).write_text(json.dumps({"api_url": server.api_url, "pid": os.getpid()}))
            try:
                yield server.api_url
            finally:
                if kind == "serve":
                    serve_file(where).unlink(missing_ok=True)
