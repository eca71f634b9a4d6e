"""Rate limits of the public form posts, in the process's memory: a token bucket per key
(a form, a client address). Checked before the body is read or the database touched, so a
flood costs a dictionary lookup per request and the service stays responsive.

Per process: with N replicas a client gets up to N times the limit (the gateway spreads its
requests); fine for the purpose (stopping floods and scripted spam), and it needs no
round-trip per post. At most `max_keys` buckets are kept; the oldest go first."""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from crmkit.errors import TooManyRequests


class Buckets:
    def __init__(self, *, burst: int, per_minute: float, max_keys: int = 100_000) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float | None = None) -> float:
        """0 if `key` may go on (a token taken), else the seconds until it may."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1.0 - tokens) / self.rate
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


    def check_key(self, key: str, what: str = "") -> None:
        """TooManyRequests (429, Retry-After) when `key` has no token left."""
        wait = self.take(key)
        if wait:
            raise TooManyRequests(f"too many requests{what}; try again later",
                                  headers={"Retry-After": retry_after(wait)})


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
