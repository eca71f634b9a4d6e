"""Run a service as a real process (uvicorn on a free port) for API and e2e tests.

Nothing a test run starts may outlive it, however the run ends. Each process starts in a
process group of its own (so a terminal's Ctrl-C reaches only pytest, which then stops them
in order) and is ended as a group, SIGTERM then SIGKILL, on every path:
- normal teardown: `stop()` from the fixture that started it;
- a failing test, or a fixture that never stops it: an atexit hook ends every one still live;
- SIGTERM or SIGHUP to pytest: a handler ends them at once, then raises KeyboardInterrupt so
  pytest still unwinds (and drops its databases);
- pytest killed outright (SIGKILL, a crash): on Linux each child asked the kernel for SIGTERM
  when its parent dies (prctl PR_SET_PDEATHSIG), and uvicorn ends its own workers on it.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

import httpx

from crmkit.children import die_with_parent

# Seconds a started process may take to answer its readiness probe. A process that exits
# fails at once, so a long bound costs nothing when all is well; on a loaded machine (a
# service import alone took about 30 s here under load) a short one failed fixtures en masse.
READY_TIMEOUT = float(os.environ.get("TIDTAM_TEST_READY_TIMEOUT", "120"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def end_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM to the process's group, up to `grace` seconds for its leader to exit, then
    SIGKILL to whatever is left of the group (workers the leader left behind, or a leader
    that did not stop)."""
    if proc.poll() is None:
        signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    signal_group(proc.pid, signal.SIGKILL)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:  # unkillable (D state): nothing more we can do
        pass


_live: set[ServiceProcess] = set()
_guarded = False


def end_all(grace: float = 5.0) -> None:
    """End every ServiceProcess of this interpreter that is still running."""
    for service in list(_live):
        service.stop(grace)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    end_all()
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def _guard() -> None:
    """Once per interpreter: the atexit hook, and handlers for SIGTERM and SIGHUP where no
    one else has set one (signals can only be handled on the main thread)."""
    global _guarded
    if _guarded:
        return
    _guarded = True
    atexit.register(end_all)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) is signal.SIG_DFL:
                signal.signal(sig, _on_signal)


class ServiceProcess:
    """`uvicorn <app>` in a subprocess; `start()` waits until `/readyz` answers 200."""

    def __init__(self, app: str, env: dict[str, str], port: int | None = None,
                 log_path: Path | None = None, ready_path: str = "/readyz") -> None:
        self.app = app
        self.port = port or free_port()
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.ready_path = ready_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float | None = None) -> ServiceProcess:
        _guard()
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        # The parent-death signal follows the thread that forks: only the main thread lives
        # as long as pytest does.
        main = threading.current_thread() is threading.main_thread()
        try:
            self.proc = subprocess.Popen(
                # crmkit.serve: uvicorn with TIDTAM_WORKERS and TIDTAM_KEEP_ALIVE_SECONDS.
                [sys.executable, "-m", "crmkit.serve", self.app, "--host", "127.0.0.1",
                 "--port", str(self.port), "--no-access-log"],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=die_with_parent(os.getpid()) if main else None,
            )
        finally:
            if not isinstance(out, int):  # a log file, not DEVNULL
                out.close()  # the child has its own copy
        _live.add(self)
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop(grace=5)
            raise
        return self

    def wait_ready(self, timeout: float | None = None) -> None:
        timeout = READY_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"{self.app} exited with {self.proc.returncode}; "
                                   f"see {self.log_path}")
            try:
                if httpx.get(self.url + self.ready_path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.app} not ready on {self.url} after {timeout}s")

    def kill(self) -> None:
        """SIGKILL to the whole group: no shutdown hooks run, as in a crash."""
        if self.proc:
            signal_group(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            _live.discard(self)

    def stop(self, grace: float = 15.0) -> None:
        if self.proc:
            end_group(self.proc, grace)
            _live.discard(self)
