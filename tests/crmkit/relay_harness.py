"""Run an OutboxRelay in its own process, as a service would, until the outbox is drained.

    python relay_harness.py --db URL --amqp URL [--batch 5] [--timeout 30]

exits 0 once nothing is left unsent, 3 on timeout; a failpoint (TIDTAM_FAILPOINTS) may SIGKILL
it first, printing `FAILPOINT <name>` on stderr.

With `--serve` it is a fork server, because importing SQLAlchemy and friends costs seconds
here (no bytecode cache): it imports once, then for every stdin line
`{"failpoints": "relay.after_publish=0.5", "seed": "..."}` forks a child that runs one relay
as above (a real process with its own connections, really SIGKILLed) and answers with one
stdout line `{"rc": <exit code, or -signal>, "stderr": "..."}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile

from crmkit import failpoints
from crmkit.db import create_engine
from crmkit.messaging import Broker
from crmkit.outbox import OutboxRelay


async def relay_until_drained(args: argparse.Namespace) -> int:
    engine = create_engine(args.db, pool_size=2, max_overflow=0)
    broker = Broker(args.amqp, args.service, backoff_max=1.0, publish_timeout=5.0)
    await broker.start(wait=15)
    relay = OutboxRelay(args.service, engine, broker, sweep_seconds=0.2,
                        batch_size=args.batch, backoff_max=1.0)
    await relay.start()
    try:
        async with asyncio.timeout(args.timeout):
            await relay.idle.wait()
        return 0
    except TimeoutError:
        print(f"outbox not drained after {args.timeout}s", file=sys.stderr)
        return 3
    finally:
        await relay.stop()
        await broker.stop()
        await engine.dispose()


def serve(args: argparse.Namespace) -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        with tempfile.TemporaryFile() as log:
            pid = os.fork()
            if pid == 0:  # the child: one relay process
                os.dup2(log.fileno(), 2)
                failpoints.configure(job.get("failpoints", ""), job.get("seed") or None)
                code = 1
                try:
                    code = asyncio.run(relay_until_drained(args))
                finally:
                    sys.stderr.flush()
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            log.seek(0)
            err = log.read().decode(errors="replace")[-4000:]
        print(json.dumps({"rc": os.waitstatus_to_exitcode(status), "stderr": err}), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--amqp", required=True)
    parser.add_argument("--service", default="kit")
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--serve", action="store_true")
    parsed = parser.parse_args()
    if parsed.serve:
        serve(parsed)
    else:
        sys.exit(asyncio.run(relay_until_drained(parsed)))
