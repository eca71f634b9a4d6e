"""A test run that fails, is interrupted or is killed leaves no service process behind
(crmkit.testing.process): a real pytest session starts a real uvicorn service, whose app
starts a grandchild in its process group, and then ends badly; nothing of it may survive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SERVICE_APP = '''
import os, subprocess

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # A worker of the service, in its process group; never stopped by the app.
                child = subprocess.Popen(["sleep", "300"])
                with open(os.environ["GRANDCHILD_PID_FILE"], "w") as f:
                    f.write(str(child.pid))
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
'''

INNER_TEST = '''
import os, time
from crmkit.testing.process import ServiceProcess

def test_starts_a_service_and_never_stops_it():
    service = ServiceProcess("service_app:app", {"PYTHONPATH": os.path.dirname(__file__)})
    service.start()
    with open(os.environ["SERVICE_PID_FILE"], "w") as f:
        f.write(str(service.proc.pid))
    assert os.environ["MODE"] != "fail", "a failing test, with the service still running"
    time.sleep(120)
'''


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody reaped yet (init in a container may
    not reap orphans promptly)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG")
@pytest.mark.parametrize("mode,end", [
    # The test fails; the session ends normally (the atexit hook).
    pytest.param("fail", None, id="failing-test"),
    pytest.param("hang", signal.SIGINT, id="ctrl-c"),  # KeyboardInterrupt
    pytest.param("hang", signal.SIGTERM, id="sigterm"),  # e.g. a cancelled CI job: the handler
    pytest.param("hang", signal.SIGKILL, id="sigkill"),  # the parent-death signal
])
def test_no_service_process_outlives_the_test_run(tmp_path, mode, end):
    (tmp_path / "service_app.py").write_text(textwrap.dedent(SERVICE_APP))
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TEST))
    service_file, grandchild_file = tmp_path / "service.pid", tmp_path / "grandchild.pid"
    env = {**os.environ, "MODE": mode, "SERVICE_PID_FILE": str(service_file),
           "GRANDCHILD_PID_FILE": str(grandchild_file)}
    # Its own config (none): the inner session is a bare pytest run of test_inner.py.
    inner = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(tmp_path), str(tmp_path / "test_inner.py")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    pids: list[int] = []
    try:
        wait_for(lambda: service_file.exists() and grandchild_file.exists()
                 and service_file.read_text() and grandchild_file.read_text(), 60,
                 "the inner session's service to start")
        service, grandchild = int(service_file.read_text()), int(grandchild_file.read_text())
        pids = [service, grandchild]
        assert alive(service) and alive(grandchild)
        if end is not None:
            inner.send_signal(end)
        out, _ = inner.communicate(timeout=60)
        if mode == "fail":
            assert inner.returncode == 1, out.decode()[-2000:]
        wait_for(lambda: not alive(service), 20, "the service process to end")
        if end is signal.SIGKILL:
            # The kernel signals only the direct child; ending its workers is the service's
            # own shutdown (uvicorn's), which this stand-in app does not do.
            return
        wait_for(lambda: not alive(grandchild), 20, "the rest of its process group to end")
    finally:
        if inner.poll() is None:
            os.killpg(inner.pid, signal.SIGKILL)
            inner.wait()
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
