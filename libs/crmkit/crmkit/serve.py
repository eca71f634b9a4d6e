"""Start a Tidtam ASGI app under uvicorn with the kit's process settings, the same way in
`make run`, the tests, the benchmark and the container image:

    python -m crmkit.serve tidtam_leads.main:app --host 0.0.0.0 --port 8001 [uvicorn options]

- `TIDTAM_WORKERS` (default 1): uvicorn worker processes. Each runs the whole app (API,
  consumers, the gateway's caller cache; the outbox relay too with TIDTAM_RELAY=inline):
  consumers deduplicate, caches hear every change by NOTIFY, relays share the outbox through
  `FOR UPDATE SKIP LOCKED`.
- `TIDTAM_RELAY` (default `process`): the outbox relay and the housekeeper run in a process
  of their own (`python -m crmkit.relay <app>`), started beside the server, one however many
  workers, in the same process group; restarted a second after it dies, stopped (SIGTERM,
  which lets a batch in flight finish) when the server stops, and sent SIGTERM by the kernel
  if this process dies first. `inline`: they run on each worker's event loop instead.
- `TIDTAM_KEEP_ALIVE_SECONDS` (default 5, whole seconds): how long the server keeps an idle
  HTTP connection open. The gateway's proxy pool forgets its idle connections sooner
  (`TIDTAM_PROXY_IDLE_SECONDS`), so it never sends a request down a connection the service
  is closing at that moment (the keep-alive race).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping
from types import FrameType

from .children import die_with_parent

DEFAULT_KEEP_ALIVE = 5
RELAY_MODES = ("process", "inline")
RELAY_RESTART_SECONDS = 1.0
logger = logging.getLogger("crmkit.serve")


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name}={raw!r}: expected a whole number of at least 1")
    return int(raw)


def workers(env: Mapping[str, str] = os.environ) -> int:
    return _positive_int(env, "TIDTAM_WORKERS", 1)


def keep_alive(env: Mapping[str, str] = os.environ) -> int:
    return _positive_int(env, "TIDTAM_KEEP_ALIVE_SECONDS", DEFAULT_KEEP_ALIVE)


def relay_mode(env: Mapping[str, str] = os.environ) -> str:
    raw = env.get("TIDTAM_RELAY", "").strip() or RELAY_MODES[0]
    if raw not in RELAY_MODES:
        raise SystemExit(f"TIDTAM_RELAY={raw!r}: expected one of {', '.join(RELAY_MODES)}")
    return raw


class RelayProcess:
    """The relay process beside the server, kept running until `stop()`.

    The first one is forked from this process once the app is imported (the server imports
    the same module object; nothing runs yet: no event loop, no thread), so it costs no
    second import, which on a busy machine without a bytecode cache takes as long as the
    server's own start. One started again after a crash (this process is running the server
    then, with threads) is a fresh `python -m crmkit.relay <app>`."""

    def __init__(self, app: str) -> None:
        self.app = app
        self.pid: int | None = None
        self._stopping = threading.Event()
        self._watch: threading.Thread | None = None

    def start(self) -> RelayProcess:
        from . import relay  # imports the kit's event plumbing, as the app does anyway

        settings = relay.kit_settings(self.app)
        if settings is None:  # not a kit service: no outbox, no relay
            return self
        preexec = die_with_parent(os.getpid())
        pid = os.fork()
        if pid == 0:  # the relay process
            code = 1
            try:
                preexec()
                code = relay.serve(settings)
            except BaseException:
                logger.exception("the outbox relay process failed")
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.pid = pid
        self._watch = threading.Thread(target=self._restart_when_it_dies, daemon=True,
                                       name="crmkit-relay-watch")
        self._watch.start()
        return self

    def _exec(self) -> int:
        # The kernel sends it SIGTERM when this thread (the watcher, a daemon that lives as
        # long as this process) ends; between fork and exec only async-signal-safe work.
        preexec = die_with_parent(os.getpid())
        argv = [sys.executable, "-m", "crmkit.relay", self.app]
        pid = os.fork()
        if pid == 0:
            try:
                preexec()
                os.execv(sys.executable, argv)
            finally:
                os._exit(127)
        return pid

    def _restart_when_it_dies(self) -> None:
        while self.pid is not None:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                status = 0
            self.pid = None
            code = os.waitstatus_to_exitcode(status)
            if self._stopping.is_set() or code == 0:  # stopped, or nothing to relay
                return
            logger.error("the outbox relay process exited with %s; restarting it in %.0f s",
                         code, RELAY_RESTART_SECONDS)
            if self._stopping.wait(RELAY_RESTART_SECONDS):
                return
            self.pid = self._exec()

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM (a batch in flight is finished and marked sent), SIGKILL after `grace`."""
        self._stopping.set()
        if self._watch is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if (pid := self.pid) is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            self._watch.join(grace)
            if not self._watch.is_alive():
                return


def _exit_on(signum: int, _frame: FrameType | None) -> None:
    # uvicorn handles SIGTERM and SIGINT while it serves and re-raises them once it has shut
    # down: this turns that into an exit that runs `finally` (which stops the relay).
    raise SystemExit(128 + signum)


def uvicorn_args(app: str, *extra: str, env: Mapping[str, str] = os.environ) -> list[str]:
    """uvicorn's command-line arguments for `app`."""
    return [app, "--workers", str(workers(env)), "--timeout-keep-alive", str(keep_alive(env)),
            *extra]


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("-"):
        raise SystemExit(__doc__)
    mode = relay_mode()
    os.environ["TIDTAM_RELAY"] = mode  # the app's settings (crmkit.config) read it
    relay = None
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_on)
    try:
        if mode == "process":
            relay = RelayProcess(args[0]).start()
        uvicorn.main.main(args=uvicorn_args(args[0], *args[1:]), prog_name="crmkit.serve")
    finally:
        if relay:
            relay.stop()


if __name__ == "__main__":
    main()
