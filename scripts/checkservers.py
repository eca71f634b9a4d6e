#!/usr/bin/env python3
"""Are PostgreSQL and RabbitMQ reachable? Standard library only, so it runs before install.

    scripts/checkservers.py             # the servers `make run` uses (TIDTAM_*_URL)
    scripts/checkservers.py --tests     # the servers the tests use (TIDTAM_TEST_*_URL)
    scripts/checkservers.py --db URL --amqp URL

Each server is spoken to in its own protocol, not merely TCP-connected: PostgreSQL must
answer an SSLRequest with 'S' or 'N', RabbitMQ must answer the AMQP 0-9-1 header with a
Connection.Start frame. Exit 0 when both answer; otherwise it says which one is down and the
exact command that starts it here, and exits 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/tidtam_leads"
DEFAULT_TEST_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL = {"127.0.0.1", "localhost", "::1", ""}


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def probe_postgres(url: str, timeout: float = 3.0) -> str | None:
    """None if a PostgreSQL server answers at the URL's host and port, else the problem."""
    host, port = _host_port(url, 5432)
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(struct.pack("!ii", 8, 80877103))  # SSLRequest
            answer = s.recv(1)
    except OSError as exc:
        return f"nothing answers at {host}:{port} ({exc.strerror or exc})"
    if answer not in (b"S", b"N"):
        return f"{host}:{port} answers, but not as PostgreSQL (got {answer!r})"
    return None


def probe_amqp(url: str, timeout: float = 3.0) -> str | None:
    """None if an AMQP 0-9-1 broker answers at the URL's host and port, else the problem."""
    host, port = _host_port(url, 5672)
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"AMQP\x00\x00\x09\x01")
            answer = s.recv(7)
    except OSError as exc:
        return f"nothing answers at {host}:{port} ({exc.strerror or exc})"
    # A method frame (type 1) on channel 0: Connection.Start.
    if len(answer) < 3 or answer[0] != 1 or answer[1:3] != b"\x00\x00":
        return f"{host}:{port} answers, but not as an AMQP 0-9-1 broker (got {answer!r})"
    return None


def postgres_start_command() -> str:
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path(
        "/etc/postgresql").is_dir() else []
    if versions and shutil.which("pg_ctlcluster"):
        return f"pg_ctlcluster --skip-systemctl-redirect {versions[-1]} main start"
    return ("your PostgreSQL server's start command "
            "(or run everything in containers: docker compose up --build)")


def rabbitmq_start_command() -> str:
    if shutil.which("rabbitmq-server"):
        return "rabbitmq-server -detached && rabbitmqctl await_startup"
    return ("your RabbitMQ server's start command "
            "(or run everything in containers: docker compose up --build)")


def docker_engine() -> bool:
    if os.environ.get("TIDTAM_TEST_NO_DOCKER") or not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def check(db_url: str, amqp_url: str, *, quiet: bool = False,
          db_from: str = "the database URL", amqp_from: str = "the AMQP URL") -> bool:
    """Print what is down and how to start it; True when both servers answer.

    `db_from` / `amqp_from` name where each URL came from (an environment variable), so a
    wrong port can be told apart from a stopped server."""
    ok = True
    for name, url, probe, env, start in (
        ("PostgreSQL", db_url, probe_postgres, db_from, postgres_start_command),
        ("RabbitMQ", amqp_url, probe_amqp, amqp_from, rabbitmq_start_command),
    ):
        problem = probe(url)
        host, port = _host_port(url, 5432 if name == "PostgreSQL" else 5672)
        if problem is None:
            if not quiet:
                print(f"ok: {name} at {host}:{port}")
            continue
        ok = False
        print(f"error: {name} is unreachable: {problem}", file=sys.stderr)
        if host in LOCAL:
            print(f"  start it with:  {start()}", file=sys.stderr)
            print(f"  (if it is running elsewhere, fix {env})", file=sys.stderr)
        else:
            print(f"  check that server, or fix {env}", file=sys.stderr)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check PostgreSQL and RabbitMQ reachability.")
    parser.add_argument("--tests", action="store_true",
                        help="check the servers the tests use (TIDTAM_TEST_DATABASE_URL, "
                             "TIDTAM_TEST_AMQP_URL); skipped where testcontainers will run")
    parser.add_argument("--db", help="PostgreSQL URL (any driver prefix)")
    parser.add_argument("--amqp", help="AMQP URL")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    env = os.environ
    db_var, amqp_var = (("TIDTAM_TEST_DATABASE_URL", "TIDTAM_TEST_AMQP_URL") if args.tests
                        else ("TIDTAM_LEADS_MIGRATE_DATABASE_URL", "TIDTAM_AMQP_URL"))
    db = args.db or env.get(db_var)
    amqp = args.amqp or env.get(amqp_var)
    if args.tests and not (db and amqp) and docker_engine():
        if not args.quiet:
            print("ok: a Docker engine answers; the tests start their own servers "
                  "(testcontainers)")
        return 0
    db_from = "--db" if args.db else db_var
    amqp_from = "--amqp" if args.amqp else amqp_var
    db = db or (DEFAULT_TEST_DB if args.tests else DEFAULT_DB)
    amqp = amqp or DEFAULT_AMQP
    return 0 if check(db, amqp, quiet=args.quiet, db_from=db_from, amqp_from=amqp_from) else 1


if __name__ == "__main__":
    sys.exit(main())
