"""Start a Tidtam ASGI app under uvicorn with the kit's process settings, the same way in
`make run`, the tests, the benchmark and the container image:

    python -m crmkit.serve tidtam_leads.main:app --host 0.0.0.0 --port 8001 [uvicorn options]

- `TIDTAM_WORKERS` (default 1): uvicorn worker processes. Each runs the whole app (API,
  outbox relay, consumers, the gateway's caller cache): relays share the outbox through
  `FOR UPDATE SKIP LOCKED`, consumers deduplicate, caches hear every change by NOTIFY.
- `TIDTAM_KEEP_ALIVE_SECONDS` (default 5, whole seconds): how long the server keeps an idle
  HTTP connection open. The gateway's proxy pool forgets its idle connections sooner
  (`TIDTAM_PROXY_IDLE_SECONDS`), so it never sends a request down a connection the service
  is closing at that moment (the keep-alive race).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

DEFAULT_KEEP_ALIVE = 5


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


def uvicorn_args(app: str, *extra: str, env: Mapping[str, str] = os.environ) -> list[str]:
    """uvicorn's command-line arguments for `app`."""
    return [app, "--workers", str(workers(env)), "--timeout-keep-alive", str(keep_alive(env)),
            *extra]


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("-"):
        raise SystemExit(__doc__)
    uvicorn.main.main(args=uvicorn_args(args[0], *args[1:]), prog_name="crmkit.serve")


if __name__ == "__main__":
    main()
