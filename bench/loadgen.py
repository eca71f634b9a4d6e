"""The load generator: wrk (C, a few percent of one core) when it is installed, else a
Python one on httpx, which costs far more CPU on the same two cores as the system under
test, so its figures are lower bounds. Either way each line says what the generator itself
used, as a share of one core.

`make bench` installs wrk (Debian package `wrk`) when it is missing and it may (root with
apt-get); otherwise the Python generator runs and the header says so.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

WRK = shutil.which("wrk")
LUA = Path(__file__).with_name("wrk.lua")


@dataclass
class Result:
    n: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failures: int
    generator_cpu: float  # seconds of CPU the generator used
    example_failure: str = ""

    @property
    def per_s(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    @property
    def generator_share(self) -> float:
        """The generator's CPU as a share of one core over the run."""
        return self.generator_cpu / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Shape:
    """One kind of request: `body` is "lead" (a new lead each time), "keyed-lead" (the same
    with an Idempotency-Key of its own) or "" (none)."""

    method: str
    path: str
    headers: dict[str, str]
    body: str = ""


def describe() -> str:
    if WRK:
        version = subprocess.run([WRK, "-v"], capture_output=True, text=True)
        first = (version.stdout or version.stderr).splitlines()[:1]
        return f"wrk ({first[0].strip() if first else WRK}) with bench/wrk.lua"
    return ("the Python generator (httpx): wrk is not installed, and this one spends a "
            "large share of the same CPU the system under test needs, so rates are lower "
            "bounds; `make bench` installs wrk where it can (root with apt-get)")


def run(base_url: str, shape: Shape, *, concurrency: int, seconds: float) -> Result:
    if WRK:
        return _wrk(base_url, shape, concurrency, seconds)
    return asyncio.run(_python(base_url, shape, concurrency, seconds))


def _wrk(base_url: str, shape: Shape, concurrency: int, seconds: float) -> Result:
    env = {**os.environ, "WRK_METHOD": shape.method, "WRK_PATH": shape.path,
           "WRK_BODY": shape.body, "WRK_RUN": uuid.uuid4().hex[:8],
           "WRK_HEADERS": "\n".join(f"{k}: {v}" for k, v in shape.headers.items())}
    # One thread: the generator stays on (at most) one core; its connections are the
    # concurrency. --latency off: the script prints the percentiles it needs.
    proc = subprocess.Popen(
        [str(WRK), "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
         "-s", str(LUA), base_url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_lines: list[str] = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        out_lines.append(raw.decode(errors="replace"))
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    found = [line for line in out_lines if line.startswith("WRK_RESULT ")]
    if proc.returncode or not found:
        raise SystemExit(f"wrk failed ({proc.returncode}): {stderr or ''.join(out_lines)}")
    r = json.loads(found[0].removeprefix("WRK_RESULT "))
    failures = sum(r[k] for k in ("status_errors", "connect_errors", "read_errors",
                                  "write_errors", "timeouts"))
    return Result(n=r["requests"], seconds=r["duration_us"] / 1e6, p50_ms=r["p50_us"] / 1000,
                  p99_ms=r["p99_us"] / 1000, failures=failures,
                  generator_cpu=usage.ru_utime + usage.ru_stime,
                  example_failure=json.dumps({k: v for k, v in r.items() if "error" in k}))


def lead_body(i: int, run: str) -> dict[str, object]:
    """The same lead wrk.lua builds (unique phone and email per request)."""
    return {"name": f"คุณสมชาย ใจดี {i}",
            "phone": f"08{i % 10}-{(i * 7919) % 1000:03d}-{(i * 104729) % 10000:04d}",
            "email": f"py{i}-{run}@example.co.th", "source": "website",
            "company": f"บริษัท ทดสอบ {i % 97} จำกัด", "potential": 15000}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _python(base_url: str, shape: Shape, concurrency: int, seconds: float) -> Result:
    latencies: list[float] = []
    failures: list[str] = []
    run_id = uuid.uuid4().hex[:8]
    counter = iter(range(10**9))
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency,
                          keepalive_expiry=1.0)  # below the gateway's keep-alive
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                i = next(counter)
                body = lead_body(i, run_id) if shape.body in ("lead", "keyed-lead") else None
                headers = shape.headers if shape.body != "keyed-lead" else {
                    **shape.headers, "Idempotency-Key": f"{run_id}-{i}"}
                t0 = time.perf_counter()
                r = await client.request(shape.method, shape.path, headers=headers,
                                         json=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code >= 400:
                    failures.append(f"{r.status_code} {r.text[:200]}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return Result(n=len(latencies), seconds=elapsed, p50_ms=percentile(latencies, 50) * 1000,
                  p99_ms=percentile(latencies, 99) * 1000, failures=len(failures),
                  generator_cpu=cpu, example_failure=failures[0] if failures else "")


def line(label: str, r: Result, *, rate: bool = True) -> None:
    per_s = f"{r.per_s:8.1f}/s" if rate else " " * 10
    print(f"  {label:<44} n={r.n:>6} {per_s}  p50={r.p50_ms:7.2f} ms  p99={r.p99_ms:7.2f} ms"
          f"  (generator {100 * r.generator_share:3.0f}% of a core)", flush=True)
    if r.failures:
        raise SystemExit(f"{r.failures} requests failed, e.g. {r.example_failure}")

