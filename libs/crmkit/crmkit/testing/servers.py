"""Where the test PostgreSQL and RabbitMQ come from.

Testcontainers where a Docker engine answers; otherwise the servers named by
`TIDTAM_TEST_DATABASE_URL` (an owner/superuser URL) and `TIDTAM_TEST_AMQP_URL`, defaulting to
the local servers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import ExitStack
from typing import NamedTuple, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def docker_available() -> bool:
    if os.environ.get("TIDTAM_TEST_NO_DOCKER") or not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class _Execs(Protocol):
    """What we use of a testcontainers container (the package ships no types)."""

    def exec(self, command: list[str]) -> tuple[int, bytes]: ...


class Servers(NamedTuple):
    db_url: str
    amqp_url: str
    broker_is_container: bool
    rabbit_container: _Execs | None = None

    def rabbitmqctl(self, *args: str, timeout: float = 120) -> str:
        """Run rabbitmqctl against the test broker (locally, or inside its container)."""
        if self.rabbit_container is not None:
            code, out = self.rabbit_container.exec(["rabbitmqctl", *args])
            if code:
                raise RuntimeError(f"rabbitmqctl {args}: {out!r}")
            return out.decode()
        done = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def new_vhost(self, name: str) -> str:
        """A fresh vhost, so that concurrently running systems never share queues."""
        self.rabbitmqctl("add_vhost", name)
        user = urlsplit(self.amqp_url).username or "guest"
        self.rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        return vhost_url(self.amqp_url, name)


def vhost_url(amqp_url: str, vhost: str) -> str:
    parts = urlsplit(amqp_url)
    return urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))


def start_servers(stack: ExitStack) -> Servers:
    """The owner database URL and AMQP URL of the servers the tests use."""
    db_env = os.environ.get("TIDTAM_TEST_DATABASE_URL")
    amqp_env = os.environ.get("TIDTAM_TEST_AMQP_URL")
    if (db_env and amqp_env) or not docker_available():
        return Servers(db_env or DEFAULT_DB, amqp_env or DEFAULT_AMQP, False)
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer

    pg = stack.enter_context(PostgresContainer("postgres:16", username="postgres",
                                               password="postgres", dbname="postgres"))
    mq = stack.enter_context(RabbitMqContainer("rabbitmq:3.13-management"))
    db_url = (f"postgresql+asyncpg://postgres:postgres@{pg.get_container_host_ip()}:"
              f"{pg.get_exposed_port(5432)}/postgres")
    amqp_url = (f"amqp://guest:guest@{mq.get_container_host_ip()}:"
                f"{mq.get_exposed_port(5672)}/")
    return Servers(db_env or db_url, amqp_env or amqp_url, True, mq)
