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

DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def docker_available() -> bool:
    if os.environ.get("TIDTAM_TEST_NO_DOCKER") or not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def start_servers(stack: ExitStack) -> tuple[str, str, bool]:
    """(owner database URL, AMQP URL, whether the broker is a container we may restart)."""
    db_env = os.environ.get("TIDTAM_TEST_DATABASE_URL")
    amqp_env = os.environ.get("TIDTAM_TEST_AMQP_URL")
    if (db_env and amqp_env) or not docker_available():
        return db_env or DEFAULT_DB, amqp_env or DEFAULT_AMQP, False
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer

    pg = stack.enter_context(PostgresContainer("postgres:16", username="postgres",
                                               password="postgres", dbname="postgres"))
    mq = stack.enter_context(RabbitMqContainer("rabbitmq:3.13-management"))
    db_url = (f"postgresql+asyncpg://postgres:postgres@{pg.get_container_host_ip()}:"
              f"{pg.get_exposed_port(5432)}/postgres")
    amqp_url = (f"amqp://guest:guest@{mq.get_container_host_ip()}:"
                f"{mq.get_exposed_port(5672)}/")
    return db_env or db_url, amqp_env or amqp_url, True
