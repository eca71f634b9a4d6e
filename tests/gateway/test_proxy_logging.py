"""The proxy does not log each forwarded call at INFO; at DEBUG it does."""

from __future__ import annotations

import httpx
import orjson
import pytest

pytestmark = pytest.mark.integration


def test_forwarded_calls_are_not_logged_at_info(start_gateway, echo_upstream, echo_accounts,
                                                make_tenant):
    gateway = start_gateway(leads_url=echo_upstream.url, accounts_url=echo_accounts.url,
                            TIDTAM_LOG_LEVEL="INFO", TIDTAM_LOG_JSON="true")
    t = make_tenant()
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        for _ in range(3):
            r = client.get("/api/v1/leads", headers=t.admin)
            assert r.status_code == 200, r.text
    lines = [orjson.loads(line) for line in gateway.process.log_path.read_bytes().splitlines()
             if line.startswith(b"{")]
    assert any(line["level"] == "info" for line in lines)  # the log is on at INFO
    forwarded = [line for line in lines if "/api/v1/leads" in line["msg"]]
    assert forwarded == []


def test_forwarded_calls_are_logged_at_debug(start_gateway, echo_upstream, echo_accounts,
                                             make_tenant):
    gateway = start_gateway(leads_url=echo_upstream.url, accounts_url=echo_accounts.url,
                            TIDTAM_LOG_LEVEL="DEBUG", TIDTAM_LOG_JSON="true")
    t = make_tenant()
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        r = client.get("/api/v1/leads/abc", headers=t.admin)
        assert r.status_code == 200, r.text
    lines = [orjson.loads(line) for line in gateway.process.log_path.read_bytes().splitlines()
             if line.startswith(b"{")]
    forwarded = [line["msg"] for line in lines if line["logger"] == "tidtam_gateway.proxy"]
    assert forwarded == ["forwarded GET /api/v1/leads/abc to leads: 200"]
