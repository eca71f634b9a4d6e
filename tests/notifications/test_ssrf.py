"""The webhook SSRF guard on the real resolver: every vector of issue 12 refused with a
reason, public addresses and the operator's allow list let through."""

from __future__ import annotations

import pytest

from tidtam_notifications.webhooks.ssrf import AllowList, UnsafeUrl, check_url

pytestmark = pytest.mark.unit

NONE = AllowList.parse("")

REFUSED = {
    "http://127.0.0.1/hook": "loopback",
    "http://0.0.0.0/hook": "unspecified",
    "http://[::1]/hook": "loopback",
    "http://[::ffff:127.0.0.1]/hook": "loopback",
    "http://[64:ff9b::7f00:1]/hook": "loopback",
    "http://2130706433/hook": "loopback",
    "http://0x7f000001/hook": "loopback",
    "http://017700000001/hook": "loopback",
    "http://169.254.169.254/latest/meta-data/": "link-local",
    "http://100.64.0.1/hook": "CGNAT",
    "http://10.0.0.1/hook": "private",
    "http://192.168.1.10/hook": "private",
    "http://172.16.0.1/hook": "private",
    "http://[fd00:ec2::254]/hook": "private",
    "http://[fe80::1]/hook": "link-local",
    "http://224.0.0.1/hook": "multicast",
    "http://localhost:8080/hook": "loopback",
}


@pytest.mark.parametrize("url", sorted(REFUSED))
async def test_internal_addresses_are_refused(url):
    with pytest.raises(UnsafeUrl, match=REFUSED[url]):
        await check_url(url, NONE)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.com/", "ftp://x/",
                                 "http://user:pw@example.com/", "http:///nohost", "//x/y",
                                 "http://[::1/"])
async def test_other_schemes_and_shapes_are_refused(url):
    with pytest.raises(UnsafeUrl):
        await check_url(url, NONE)


async def test_public_addresses_pass_and_name_the_address_to_connect_to():
    target = await check_url("https://93.184.215.14:8443/hook?x=1", NONE)
    assert (target.host, target.port, target.address) == ("93.184.215.14", 8443,
                                                          "93.184.215.14")


async def test_the_operators_allow_list_opens_chosen_hosts():
    allow = AllowList.parse("localhost, 10.0.0.0/8")
    assert (await check_url("http://localhost:9000/x", allow)).address in ("127.0.0.1", "::1")
    assert (await check_url("http://10.1.2.3/x", allow)).address == "10.1.2.3"
    with pytest.raises(UnsafeUrl):
        await check_url("http://192.168.0.1/x", allow)
