"""Where a job's files live: `<transfer_dir>/<tenant>/<job>/` (upload, errors, export)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import BinaryIO

from ..config import ServiceSettings
from ..context import RequestContext

_CHUNK = 1 << 20


def job_dir(settings: ServiceSettings, ctx: RequestContext, job_id: uuid.UUID) -> Path:
    root = Path(settings.transfer_dir or Path(tempfile.gettempdir()) /
                f"tidtam-{settings.service_name}-transfer")
    path = root / str(ctx.tenant.value) / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(source: BinaryIO, target: Path) -> str:
    """Copy an upload to disk in chunks; returns its SHA-256."""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
