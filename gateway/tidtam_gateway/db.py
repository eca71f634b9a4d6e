"""The gateway's declarative base and its two pools.

The SQLAlchemy engine (made by crmkit.runtime) serves the gateway's own endpoints.
Authentication, which every request (proxied ones included) needs, is one SQL function
call on a plain asyncpg pool: measured here, SQLAlchemy's checkout (pre-ping included)
costs several times more than the call itself.
"""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase

from crmkit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


def plain_dsn(url: str) -> str:
    """The SQLAlchemy URL as a plain asyncpg DSN."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def auth_pool(url: str, size: int) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        plain_dsn(url), min_size=min(2, size), max_size=size,
        server_settings={"application_name": "tidtam-gateway-auth"},
    )
