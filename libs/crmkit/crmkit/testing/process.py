"""Run a service as a real process (uvicorn on a free port) for API and e2e tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    """`uvicorn <app>` in a subprocess; `start()` waits until `/readyz` answers 200."""

    def __init__(self, app: str, env: dict[str, str], port: int | None = None,
                 log_path: Path | None = None, ready_path: str = "/readyz"):
        self.app = app
        self.port = port or free_port()
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.ready_path = ready_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServiceProcess:
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            # crmkit.serve: uvicorn with TIDTAM_WORKERS and TIDTAM_KEEP_ALIVE_SECONDS.
            [sys.executable, "-m", "crmkit.serve", self.app, "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log"],
            env=self.env, stdout=out, stderr=subprocess.STDOUT,
        )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
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
        """SIGKILL: no shutdown hooks run, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
