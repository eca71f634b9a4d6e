"""Where a process spends its time: py-spy samples while a benchmark phase runs, summed
into the top functions by share (self time, and time with callees).

    .venv/bin/python bench/pyspy.py <py-spy raw file> [top]

`bench/load.py --profile` records the gateway and the leads service during the create
line (py-spy attaches to a running process: it needs root or ptrace permission).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

PY_SPY = Path(sys.executable).with_name("py-spy")
# "function (path/to/file.py:123)": the line number varies within a function; drop it.
_FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def record(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """Start sampling `pid` for `seconds` (raw, collapsed stacks; idle samples left out)."""
    return subprocess.Popen(
        [str(PY_SPY), "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
         "--rate", "200", "--format", "raw", "--nonblocking", "--gil", "-o", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _name(frame: str) -> str:
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m["file"]
    for marker in ("site-packages/", "/libs/crmkit/", "/services/", "/gateway/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{m['fn']} ({path})"


# Leaves where a thread waits (idle worker threads of the thread pool); not CPU.
_IDLE = ("Condition.wait (threading.py)", "Queue.get (queue.py)", "Event.wait (threading.py)")
# The event loop's own frame: uvloop's C code runs under it (I/O, HTTP parsing, callbacks).
_LOOP = {"Runner.run (asyncio/runners.py)": "event loop: uvloop I/O, httptools parsing"}


def summarise(raw: Path, top: int = 15) -> list[str]:
    """Lines: share of samples per function, self and inclusive, the largest first."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_name(f) for f in stack.split(";") if f.strip()]
        if not frames or frames[-1] in _IDLE:
            continue
        frames[-1] = _LOOP.get(frames[-1], frames[-1])
        total += n
        own[frames[-1]] += n
        for name in set(frames):
            inclusive[name] += n
    if not total:
        return ["    (no samples: was py-spy allowed to attach?)"]
    lines = [f"    {total} samples; self time:"]
    lines += [f"    {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    lines.append("    our functions, with what they call:")
    ours = [(k, v) for k, v in inclusive.most_common() if "tidtam_" in k or "crmkit/" in k]
    lines += [f"    {100 * n / total:5.1f}%  {name}" for name, n in ours[:top]]
    return lines


if __name__ == "__main__":
    print("\n".join(summarise(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 25)))
