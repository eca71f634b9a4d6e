"""argon2id password hashes, computed off the event loop (each takes tens of ms by design)."""

from __future__ import annotations

import os

import anyio.to_thread
from anyio import CapacityLimiter
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Each hash takes 64 MiB for a moment: a burst of logins must not take 40 threads' worth
# (anyio's default) of memory, nor every core.
_LIMIT = CapacityLimiter(max(2, os.cpu_count() or 2))
# Verified when no account matches, so a wrong email costs as long as a wrong password.
_DUMMY = _hasher.hash("no-such-account-placeholder")


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_LIMIT)


def _verify(hash_: str, password: str) -> bool:
    try:
        return _hasher.verify(hash_, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(hash_: str | None, password: str) -> bool:
    if hash_ is None:
        await anyio.to_thread.run_sync(_verify, _DUMMY, password, limiter=_LIMIT)
        return False
    return await anyio.to_thread.run_sync(_verify, hash_, password, limiter=_LIMIT)
