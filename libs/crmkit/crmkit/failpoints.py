"""Test-only fault injection: crash the process at named points with a given probability.

    TIDTAM_FAILPOINTS="relay.before_publish=0.2,relay.after_publish=0.3"

`hit("relay.after_publish")` then SIGKILLs its own process with probability 0.3: no
`finally`, no shutdown hooks, no flushing of anything but the one line announcing it, as in a
real crash. Unset (production), `hit` is a dictionary lookup and nothing else.
`TIDTAM_FAILPOINTS_SEED` makes the dice reproducible.
"""

from __future__ import annotations

import os
import random
import signal
import sys

ENV = "TIDTAM_FAILPOINTS"
SEED_ENV = "TIDTAM_FAILPOINTS_SEED"


def parse(spec: str) -> dict[str, float]:
    points: dict[str, float] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, prob = part.partition("=")
        try:
            value = float(prob) if sep else 1.0
        except ValueError as exc:
            raise ValueError(f"{ENV}: {part!r} is not name=probability") from exc
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{ENV}: probability of {name!r} must be within 0..1")
        points[name.strip()] = value
    return points


_points: dict[str, float] = {}
_rng = random.Random()


def configure(spec: str | None = None, seed: str | None = None) -> None:
    """(Re)read the failpoints; called at import from the environment."""
    global _points
    _points = parse(spec if spec is not None else os.environ.get(ENV, ""))
    seed = seed if seed is not None else os.environ.get(SEED_ENV)
    if seed:
        _rng.seed(seed)


def hit(name: str) -> None:
    prob = _points.get(name)
    if prob and _rng.random() < prob:
        # One line on stderr so a test can tell which failpoint ended the process.
        sys.stderr.write(f"FAILPOINT {name} pid={os.getpid()}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


configure()
