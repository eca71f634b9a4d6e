"""The gateway's declarative base and engines.

`auth_engine` is the same pool in autocommit mode: the per-request auth lookup is a single
SQL function call, so it needs no BEGIN/ROLLBACK round trips around it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from crmkit.db import create_engine, make_base

Base = make_base()


def engines(url: str, pool_size: int, max_overflow: int) -> tuple[AsyncEngine, AsyncEngine]:
    engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    return engine, engine.execution_options(isolation_level="AUTOCOMMIT")
