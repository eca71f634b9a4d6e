"""Log configuration: httpx's per-request line is DEBUG, not INFO."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI

from crmkit import logging as klog

pytestmark = pytest.mark.unit


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _one_request() -> None:
    app = FastAPI()

    @app.get("/x")
    async def x() -> dict[str, str]:
        return {}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://t") as client:
        assert (await client.get("/x")).status_code == 200


@pytest.mark.parametrize("level, shown", [("INFO", False), ("DEBUG", True)])
async def test_httpx_request_lines_are_debug(level, shown):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        klog.configure("t", level, json=True)
        collect = Collect()
        root.addHandler(collect)
        await _one_request()
        lines = [r for r in collect.records
                 if r.name == "httpx" and r.getMessage().startswith("HTTP Request:")]
        assert [r.levelname for r in lines] == (["DEBUG"] if shown else [])
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
