"""The LINE, Facebook and email channel settings name catalogue products as a form does
(issue 17, capture migration 0008), from the catalogue the capture service lists for the
screens' picker (`GET /api/v1/capture/products`): an unknown product is a 404 naming
`body.product_ids.<i>`, each product once, the answer shows them, and the leads each channel
makes carry them (created with them by the leads service); saved without them, the next
leads carry none."""

from __future__ import annotations

import uuid

import pytest
import test_capture_email as mail
import test_capture_facebook as fb
import test_capture_line as ln
from capture_support import until
from test_capture_form_products import _announce_product, _until_taken

pytestmark = pytest.mark.e2e


def _lead(tenant, name: str) -> dict:
    """The lead named `name` (the leads service makes it from `lead.captured`)."""
    body = until(lambda: tenant.gw.get("/api/v1/leads", params={"q": name},
                                       headers=tenant.admin),
                 lambda b: any(x["name"] == name for x in b["items"]))
    return next(x for x in body["items"] if x["name"] == name)


def _put(tenant, path: str, body: dict):
    return tenant.gw.put(path, headers=tenant.admin, json=body)


LINE = {"channel_id": "1650000000", "channel_secret": ln.SECRET, "access_token": ln.TOKEN}
FACEBOOK = {"page_id": "1029384756", "app_secret": fb.APP_SECRET,
            "page_access_token": fb.PAGE_TOKEN, "verify_token": fb.VERIFY,
            "mapping": fb.MAPPING}
EMAIL = {"signing_secret": mail.SECRET}
CHANNELS = {"/api/v1/capture/line": LINE, "/api/v1/capture/facebook": FACEBOOK,
            "/api/v1/capture/email": EMAIL}


def test_unknown_products_refused_and_known_ones_shown(tenant, system):
    for path, body in CHANNELS.items():
        r = _put(tenant, path, {**body, "product_ids": [str(uuid.uuid4())]})
        assert r.status_code == 404, r.text
        assert [(f["field"], f["code"]) for f in r.json()["fields"]] == [
            ("body.product_ids.0", "unknown_product")]
        assert tenant.gw.get(path, headers=tenant.admin).status_code == 404  # nothing saved
    pid = _announce_product(system, tenant)
    # The picker's list: the catalogue as the capture service heard of it (admins only).
    known = until(lambda: tenant.gw.get("/api/v1/capture/products", headers=tenant.admin),
                  lambda b: bool(b["items"]))["items"]
    assert known == [{"id": pid, "name": "กล้องวงจรปิด", "name_en": "CCTV", "active": True}]
    sales = tenant.gw.get("/api/v1/capture/products", headers=tenant.user("sales"))
    assert sales.status_code == 403, sales.text
    for path, body in CHANNELS.items():
        r = _until_taken(lambda p=path, b=body: _put(tenant, p, {**b, "product_ids": [pid, pid]}))
        assert r.status_code == 200, r.text
        assert r.json()["product_ids"] == [pid]  # each once
        assert tenant.gw.get(path, headers=tenant.admin).json()["product_ids"] == [pid]
        # Saved without them: none (a PUT replaces the settings).
        r = _put(tenant, path, body)
        assert r.status_code == 200 and r.json()["product_ids"] == []


def test_each_channel_s_leads_carry_its_products(tenant, system, graph, line_api):
    pid = _announce_product(system, tenant)
    saved = {path: _until_taken(lambda p=path, b=body: _put(tenant, p, {**b, "product_ids": [pid]}))
             for path, body in CHANNELS.items()}
    for r in saved.values():
        assert r.status_code == 200, r.text
    line, page, inbox = (saved[p].json() for p in CHANNELS)

    user = "U" + uuid.uuid4().hex
    name = f"เพื่อน LINE {uuid.uuid4().hex[:6]}"
    line_api.profiles[user] = {"userId": user, "displayName": name}
    raw = ln.hook_body(ln.follow(user))
    assert ln.deliver(tenant, line, raw, ln.sign(ln.SECRET, raw)).status_code == 200

    leadgen = str(10**15 + uuid.uuid4().int % 10**14)
    fb_name = f"สมชาย สินค้า {uuid.uuid4().hex[:6]}"
    graph.leads[leadgen] = fb.graph_lead(leadgen, fb_name, "081-234-5679",
                                         f"fb-{uuid.uuid4().hex[:8]}@example.co.th")
    raw = fb.hook_body(leadgen)
    assert fb.deliver(tenant, page, raw, fb.sign(fb.APP_SECRET, raw)).status_code == 200

    mail_name = f"คุณวิภา สินค้า {uuid.uuid4().hex[:6]}"
    raw = mail.mail(f"{mail_name} <p-{uuid.uuid4().hex[:8]}@example.co.th>", "ขอราคา", "สนใจ")
    assert mail.deliver(tenant, inbox, raw, mail.sign(mail.SECRET, raw)).status_code == 200

    for who, source in ((name, "line"), (fb_name, "facebook"), (mail_name, "email")):
        lead = _lead(tenant, who)
        assert lead["source"] == source and lead["product_ids"] == [pid], lead

    # Saved again without products: the next email lead has none.
    r = _put(tenant, "/api/v1/capture/email", EMAIL)
    assert r.status_code == 200 and r.json()["product_ids"] == []
    plain = f"คุณสมศรี {uuid.uuid4().hex[:6]}"
    raw = mail.mail(f"{plain} <q-{uuid.uuid4().hex[:8]}@example.co.th>", "ขอราคา", "สนใจ")
    assert mail.deliver(tenant, inbox, raw, mail.sign(mail.SECRET, raw)).status_code == 200
    assert _lead(tenant, plain)["product_ids"] == []
