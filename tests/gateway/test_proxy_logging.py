"""The proxy does not log each forwarded call at INFO; at DEBUG it does."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

pytestmark = pytest.mark.integration


def _log_after_forwarding(start_gateway, echo_upstream, echo_accounts, make_tenant,
                          level: str, path: str, times: int) -> list[dict[str, Any]]:
    """The gateway's log lines (JSON) after `times` GETs of `path` through it at `level`."""
    gateway = start_gateway(leads_url=echo_upstream.url, accounts_url=echo_accounts.url,
                            TIDTAM_LOG_LEVEL=level, TIDTAM_LOG_JSON="true")
    t = make_tenant()
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        for _ in range(times):
            r = client.get(path, headers=t.admin)
            assert r.status_code == 200, r.text
    return [orjson.loads(line) for line in gateway.process.log_path.read_bytes().splitlines()
            if line.startswith(b"{")]


def test_forwarded_calls_are_not_logged_at_info(start_gateway, echo_upstream, echo_accounts,
                                                make_tenant):
    lines = _log_after_forwarding(start_gateway, echo_upstream, echo_accounts, make_tenant,
                                  "INFO", "/api/v1/leads", 3)
    assert any(line["level"] == "info" for line in lines)  # the log is on at INFO
    assert [line for line in lines if "/api/v1/leads" in line["msg"]] == []


def test_forwarded_calls_are_logged_at_debug(start_gateway, echo_upstream, echo_accounts,
                                             make_tenant):
    lines = _log_after_forwarding(start_gateway, echo_upstream, echo_accounts, make_tenant,
                                  "DEBUG", "/api/v1/leads/abc", 1)
    forwarded = [line["msg"] for line in lines if line["logger"] == "tidtam_gateway.proxy"]
    assert forwarded == ["forwarded GET /api/v1/leads/abc to leads: 200"]
