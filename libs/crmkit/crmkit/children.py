"""Child processes that end with the process that started them (Linux)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    # Resolved once, in the parent: the child runs this between fork and exec, where loading
    # a library is not safe.
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _load_prctl()


def die_with_parent(parent: int) -> Callable[[], None]:
    """A `preexec_fn`: SIGTERM to the child when the thread that started it dies (Linux)."""

    def preexec() -> None:
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


PR_SET_NAME = 15
RELAY_NAME = "crmkit-relay"  # what ps, top and /proc/<pid>/comm call the relay process


def name_this_process(name: str) -> None:
    """The name ps, top and /proc/<pid>/comm show for this process (Linux, 15 bytes)."""
    if _prctl is not None:
        _prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)
