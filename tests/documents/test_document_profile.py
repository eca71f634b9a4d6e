"""Each user's document profile and signature: PNG or JPEG up to 1 MiB, re-encoded; not an
image, another format, or a decompression bomb (a small file claiming a huge canvas) is
422; too large is 413. The signature is printed on the user's quotations."""

from __future__ import annotations

import io
import subprocess

import pytest
from doc_support import given_lead
from PIL import Image, PngImagePlugin

pytestmark = pytest.mark.integration


def run(*command: str, stdin: bytes) -> str:
    return subprocess.run(command, input=stdin, capture_output=True,
                          check=True).stdout.decode()


def png(size=(300, 100), text: str | None = None) -> bytes:
    image = Image.new("RGB", size, "white")
    for x in range(20, 280):
        image.putpixel((x, 50 + (x % 20)), (0, 0, 160))
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


async def test_profile_and_signature(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1)
    assert (await api.get("/api/v1/document-profile", headers=me)).json()["has_signature"] \
        is False
    r = await api.put("/api/v1/document-profile", headers=me, json={
        "position": "ผู้จัดการฝ่ายขาย", "phone": "081-234-5678",
        "email": "mana@example.co.th"})
    assert r.status_code == 200 and r.json()["position"] == "ผู้จัดการฝ่ายขาย"
    upload = png(text="<script>alert(1)</script>")
    r = await api.put("/api/v1/document-profile/signature", headers={
        **me, "Content-Type": "image/png"}, content=upload)
    assert r.status_code == 200, r.text
    assert r.json()["has_signature"] is True and r.json()["position"] == "ผู้จัดการฝ่ายขาย"
    kept = (await api.get("/api/v1/document-profile/signature", headers=me)).content
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "PNG" and image.size == (300, 100)
        assert "Comment" not in image.info  # re-encoded: only the pixels came through
    # Another user has none.
    assert (await api.get("/api/v1/document-profile/signature",
                          headers=tenant.headers(tenant.sales2))).status_code == 404
    # On the user's quotation: their position, phone and the signature image.
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    q = (await api.post("/api/v1/quotes", headers=me, json={
        "lead_id": lead["id"], "lines": [{"description": "x", "quantity": 1,
                                          "unit_price": 1}]})).json()
    pdf = (await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)).content
    text = run("pdftotext", "-raw", "-", "-", stdin=pdf)
    assert "ผู้จัดการฝ่ายขาย" in text and "081-234-5678" in text
    images = run("pdfimages", "-list", "-", stdin=pdf).splitlines()[2:]
    assert len(images) >= 1 and images[0].split()[3:5] == ["300", "100"]


def bomb() -> bytes:
    """A 1-bit PNG of 20000 × 20000 pixels: a few kilobytes that decode to 400 million."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize(("body", "code"), [
    (b"not an image at all", "image_invalid"),
    (png()[:200], "image_invalid"),
    ("gif", "image_format"),
    ("bomb", "image_too_big"),
])
async def test_bad_images_are_422(api, tenant, body, code):
    if body == "gif":
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, format="GIF")
        body = out.getvalue()
    elif body == "bomb":
        body = bomb()
        assert len(body) < 100_000
    r = await api.put("/api/v1/document-profile/signature", content=body, headers={
        **tenant.headers(tenant.sales1), "Content-Type": "image/png"})
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["code"] == code
    assert (await api.get("/api/v1/document-profile",
                          headers=tenant.headers(tenant.sales1))).json()["has_signature"] \
        is False


async def test_more_than_1_mib_is_413(api, tenant):
    r = await api.put("/api/v1/document-profile/signature", content=b"\x89PNG" + b"0" * 1_100_000,
                      headers={**tenant.headers(tenant.sales1), "Content-Type": "image/png"})
    assert r.status_code == 413
