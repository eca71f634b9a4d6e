"""The company logo: admins upload a PNG or JPEG (the signature's rules: re-encoded,
bombs and non-images 422); printed at the top of quotations."""

from __future__ import annotations

import io

import pytest
from doc_support import given_lead
from PIL import Image
from test_document_profile import bomb, png, run
from test_tax_invoice import PROFILE

pytestmark = pytest.mark.integration


async def test_logo_upload_and_print(api, tenant, gateway_events, doc_db):
    admin = {**tenant.headers(tenant.admin), "Content-Type": "image/png"}
    logo = png(size=(320, 120), text="<img src=file:///etc/passwd>")
    r = await api.put("/api/v1/company-profile/logo", headers=admin, content=logo)
    assert r.status_code == 404 and r.json()["code"] == "company_profile_missing"
    await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.admin),
                  json=PROFILE)
    r = await api.put("/api/v1/company-profile/logo", content=logo, headers={
        **tenant.headers(tenant.sales1), "Content-Type": "image/png"})
    assert r.status_code == 403
    r = await api.put("/api/v1/company-profile/logo", headers=admin, content=bomb())
    assert r.status_code == 422 and r.json()["fields"][0]["code"] == "image_too_big"
    r = await api.put("/api/v1/company-profile/logo", headers=admin, content=b"GIF89a nope")
    assert r.status_code == 422
    assert (await api.get("/api/v1/company-profile/logo",
                          headers=tenant.headers(tenant.sales1))).status_code == 404
    r = await api.put("/api/v1/company-profile/logo", headers=admin, content=logo)
    assert r.status_code == 200 and r.json()["has_logo"] is True
    kept = (await api.get("/api/v1/company-profile/logo",
                          headers=tenant.headers(tenant.sales1))).content
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "PNG" and image.size == (320, 120)
        assert "Comment" not in image.info
    # On a quotation: the logo is an image of its size on the page.
    me = tenant.headers(tenant.sales1)
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    q = (await api.post("/api/v1/quotes", headers=me, json={
        "lead_id": lead["id"], "lines": [{"description": "x", "quantity": 1,
                                          "unit_price": 1}]})).json()
    pdf = (await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)).content
    images = [x.split()[3:5] for x in run("pdfimages", "-list", "-", stdin=pdf).splitlines()[2:]]
    assert ["320", "120"] in images
    r = await api.delete("/api/v1/company-profile/logo", headers=tenant.headers(tenant.admin))
    assert r.status_code == 200 and r.json()["has_logo"] is False
