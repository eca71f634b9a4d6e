"""Web forms end to end, through the gateway: admin CRUD, the public post (JSON and a form
post), CORS, the honeypot, size and rate limits, the hosted page, and the leads service
making a lead (or a follow-up) with the person's consent."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from capture_support import ORIGIN, PASSWORD, count, form_body, new_address, until

pytestmark = pytest.mark.e2e


def post(tenant, form, body: dict, *, address: str | None = None, origin: str | None = ORIGIN,
         **kw) -> httpx.Response:
    headers = {"X-Forwarded-For": address or new_address(), **kw.pop("headers", {})}
    if origin:
        headers["Origin"] = origin
    return tenant.gw.post(f"/capture/forms/{form['public_key']}", json=body, headers=headers,
                          **kw)


def person(**over) -> dict:
    tag = uuid.uuid4().hex[:8]
    return {"name": f"คุณทดสอบ {tag}", "phone": f"08{int(tag, 16) % 10**8:08d}",
            "email": f"{tag}@example.co.th", "budget": "50,000", "consent": True,
            "consent_language": "th", "submission_id": str(uuid.uuid4()), **over}


def leads_named(tenant, name: str) -> list[dict]:
    r = tenant.gw.get("/api/v1/leads", params={"q": name}, headers=tenant.admin)
    assert r.status_code == 200, r.text
    return [lead for lead in r.json()["items"] if lead["name"] == name]


def wait_lead(tenant, name: str) -> dict:
    return until(lambda: tenant.gw.get("/api/v1/leads", params={"q": name},
                                       headers=tenant.admin),
                 lambda body: any(x["name"] == name for x in body["items"]))["items"][0]


def test_admin_crud_and_only_admins(tenant, form):
    assert len(form["public_key"]) == 54 and form["public_key"][:32] == tenant.id.replace("-", "")
    assert form["hosted_url"].endswith(f"/f/{form['public_key']}")
    assert f'action="{form["post_url"]}"' in form["snippet_html"]
    assert form["allowed_origins"] == [ORIGIN] and form["submissions"] == 0
    gw, path = tenant.gw, f"/api/v1/capture/forms/{form['id']}"
    assert [f["id"] for f in gw.get("/api/v1/capture/forms", headers=tenant.admin)
            .json()["items"]] == [form["id"]]
    sales = tenant.user("sales")
    assert gw.get("/api/v1/capture/forms", headers=sales).status_code == 403
    assert gw.post("/api/v1/capture/forms", headers=sales, json=form_body()).status_code == 403
    # A new consent text needs a new version.
    r = gw.patch(path, headers=tenant.admin, json={"consent_th": "ข้อความใหม่"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.consent_version"
    r = gw.patch(path, headers=tenant.admin, json={"consent_th": "ข้อความใหม่",
                                                   "consent_version": "2026-02"})
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    bad = gw.post("/api/v1/capture/forms", headers=tenant.admin,
                  json=form_body(fields=[{"key": "note", "label_th": "x", "label_en": "x"}]))
    assert bad.status_code == 422
    bad = gw.post("/api/v1/capture/forms", headers=tenant.admin,
                  json=form_body(allowed_origins=["https://x.example/path"]))
    assert bad.status_code == 422
    assert gw.delete(path, headers=tenant.admin).status_code == 204
    assert post(tenant, form, person()).status_code == 404
    assert gw.get(path, headers=tenant.admin).status_code == 404
    # No login, no admin API.
    assert gw.get("/api/v1/capture/forms").status_code == 401


def test_submission_makes_a_lead_with_consent_once(tenant, form, system):
    who = person(marketing=True)
    r = post(tenant, form, who, address="203.0.113.7")
    assert r.status_code == 202, r.text
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert r.json() == {"submission_id": who["submission_id"], "status": "received"}
    lead = wait_lead(tenant, who["name"])
    assert lead["source"] == "website" and lead["owner_id"] == tenant.admin_id
    assert lead["phone"] == "+66" + who["phone"][1:] and lead["email"] == who["email"]
    assert "Budget: 50,000" in lead["note"]
    consent = tenant.gw.get(f"/api/v1/leads/{lead['id']}", headers=tenant.admin).json()["consent"]
    assert consent["text"] == form["consent_th"] and consent["version"] == "2026-01"
    assert consent["channel"] == "web_form" and consent["client_address"] == "203.0.113.7"
    assert consent["language"] == "th" and consent["marketing"] is True and consent["given_at"]
    # The same submission again (a retry): the same answer, nothing new.
    again = post(tenant, form, who)
    assert again.status_code == 202 and again.json()["submission_id"] == who["submission_id"]
    other = person()  # a later submission, processed after the repeat would have been
    assert post(tenant, form, other).status_code == 202
    wait_lead(tenant, other["name"])
    assert len(leads_named(tenant, who["name"])) == 1
    history = tenant.gw.get(f"/api/v1/leads/{lead['id']}/history", headers=tenant.admin).json()
    assert [e["kind"] for e in history] == ["created"]
    assert asyncio.run(count(system.db_url("capture", owner=True),
                             "SELECT count(*) FROM submissions WHERE form_id = $1",
                             uuid.UUID(form["id"]))) == 2


def test_same_phone_or_email_becomes_a_follow_up(tenant, form):
    first = person(marketing=False)
    assert post(tenant, form, first).status_code == 202
    lead = wait_lead(tenant, first["name"])
    assert tenant.gw.get(f"/api/v1/leads/{lead['id']}", headers=tenant.admin
                         ).json()["consent"]["marketing"] is False
    by_phone = person(name="ชื่อใหม่ โทรเดิม", phone=first["phone"], consent_language="en")
    by_email = person(name="ชื่อใหม่ อีเมลเดิม", email=first["email"].upper())
    for body in (by_phone, by_email):
        assert post(tenant, form, body).status_code == 202
    history = until(lambda: tenant.gw.get(f"/api/v1/leads/{lead['id']}/history",
                                          headers=tenant.admin),
                    lambda entries: sum(e["kind"] == "followup" for e in entries) == 2)
    notes = [e["note"] for e in history if e["kind"] == "followup"]
    assert any(by_phone["name"] in n for n in notes) and any(by_email["name"] in n for n in notes)
    assert all(e["author"]["id"] is None for e in history if e["kind"] == "followup")
    assert leads_named(tenant, by_phone["name"]) == [] == leads_named(tenant, by_email["name"])
    assert len(leads_named(tenant, first["name"])) == 1
    # The latest consent is the one on the lead.
    consent = tenant.gw.get(f"/api/v1/leads/{lead['id']}", headers=tenant.admin).json()["consent"]
    assert consent["language"] in ("th", "en")


def test_cors_only_for_allowed_origins(tenant, form, system):
    path = f"/capture/forms/{form['public_key']}"
    ok = tenant.gw.options(path, headers={"Origin": ORIGIN,
                                          "Access-Control-Request-Method": "POST"})
    assert ok.status_code == 204, ok.text
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in ok.headers["access-control-allow-methods"]
    evil = tenant.gw.options(path, headers={"Origin": "https://evil.example",
                                            "Access-Control-Request-Method": "POST"})
    assert evil.status_code == 403 and "access-control-allow-origin" not in evil.headers
    r = post(tenant, form, person(), origin="https://evil.example")
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers
    assert r.json()["code"] == "forbidden"
    # A post without an Origin (a server, curl) is no browser's: CORS does not apply.
    assert post(tenant, form, person(), origin=None).status_code == 202
    assert asyncio.run(count(system.db_url("capture", owner=True),
                             "SELECT count(*) FROM submissions WHERE form_id = $1",
                             uuid.UUID(form["id"]))) == 1


def test_honeypot_is_refused_silently(tenant, form, system):
    bot = person(website_url="http://spam.example")
    r = post(tenant, form, bot)
    assert r.status_code == 202 and r.json()["status"] == "received"
    real = person()
    assert post(tenant, form, real).status_code == 202
    wait_lead(tenant, real["name"])
    assert leads_named(tenant, bot["name"]) == []
    owner = system.db_url("capture", owner=True)
    assert asyncio.run(count(owner, "SELECT count(*) FROM submissions WHERE id = $1",
                             uuid.UUID(bot["submission_id"]))) == 0


def test_an_admins_change_holds_from_the_next_post(tenant, form, system):
    """The service keeps a form between posts (no form read per post); each change an
    admin makes must still hold from the very next post: the storing statement checks the
    kept form's version, and a refusal or the honeypot is decided on a fresh read."""
    gw, path = tenant.gw, f"/api/v1/capture/forms/{form['id']}"
    assert post(tenant, form, person()).status_code == 202  # the form is now kept
    other = "https://other.example"
    r = gw.patch(path, headers=tenant.admin, json={"allowed_origins": [other]})
    assert r.status_code == 200, r.text
    assert post(tenant, form, person()).status_code == 403
    assert post(tenant, form, person(), origin=other).status_code == 202
    # A new required field: a post without it is refused at once, with it taken.
    fields = [*form["fields"], {"key": "branch", "label_th": "สาขา", "label_en": "Branch",
                                "required": True}]
    assert gw.patch(path, headers=tenant.admin, json={"fields": fields}).status_code == 200
    r = post(tenant, form, person(), origin=other)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.branch", r.text
    with_branch = person(branch="ลาดพร้าว")
    assert post(tenant, form, with_branch, origin=other).status_code == 202
    assert "Branch: ลาดพร้าว" in wait_lead(tenant, with_branch["name"])["note"]
    # Switched off: nothing is taken, the honeypot's silent answer neither.
    assert gw.patch(path, headers=tenant.admin, json={"enabled": False}).status_code == 200
    off = person(branch="x")
    assert post(tenant, form, off, origin=other).status_code == 404
    assert post(tenant, form, person(website_url="http://spam.example"),
                origin=other).status_code == 404
    assert gw.patch(path, headers=tenant.admin, json={"enabled": True}).status_code == 200
    assert post(tenant, form, person(branch="x"), origin=other).status_code == 202
    owner = system.db_url("capture", owner=True)
    assert asyncio.run(count(owner, "SELECT count(*) FROM submissions WHERE id = $1",
                             uuid.UUID(off["submission_id"]))) == 0
    assert asyncio.run(count(owner, "SELECT count(*) FROM submissions WHERE form_id = $1",
                             uuid.UUID(form["id"]))) == 4


def test_bad_input_is_a_clear_4xx(tenant, form):
    r = post(tenant, form, person(consent=False))
    assert r.status_code == 422 and [f["field"] for f in r.json()["fields"]] == ["body.consent"]
    r = post(tenant, form, person(phone="12", email="not-an-email"))
    assert r.status_code == 422
    assert {f["field"] for f in r.json()["fields"]} == {"body.phone", "body.email"}
    assert r.headers["access-control-allow-origin"] == ORIGIN  # the page can read why
    r = post(tenant, form, person(name="  "))
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.name"
    r = post(tenant, form, person(submission_id="nope"))
    assert r.status_code == 422
    # Hostile shapes: objects and lists where text belongs.
    r = post(tenant, form, person(name=["x"], consent={"a": 1}, website_url={"b": 2},
                                  consent_language=[1], submission_id={"c": 3}))
    assert r.status_code == 422, r.text
    big = post(tenant, form, person(note="ก" * 20_000))
    assert big.status_code == 413 and big.json()["code"] == "payload_too_large"
    path = f"/capture/forms/{form['public_key']}"
    headers = {"X-Forwarded-For": new_address()}
    r = tenant.gw.post(path, content=b"{not json", headers={**headers,
                                                            "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "malformed"
    r = tenant.gw.post(path, content=b"[1]", headers={**headers,
                                                       "Content-Type": "application/json"})
    assert r.status_code == 422
    r = tenant.gw.post(path, content=b"x", headers={**headers, "Content-Type": "text/plain"})
    assert r.status_code == 415
    # Keys that are no form: 404, a key of another shape never reaches the service.
    assert tenant.gw.post("/capture/forms/" + tenant.id.replace("-", "") + "A" * 22,
                          json=person(), headers=headers).status_code == 404
    assert tenant.gw.post("/capture/forms/short", json=person(),
                          headers=headers).status_code == 404


def test_form_post_and_hosted_page(tenant, form):
    key = form["public_key"]
    page = tenant.gw.get(f"/f/{key}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert form["consent_th"] in page.text and 'name="viewport"' in page.text
    assert f'action="/capture/forms/{key}"' in page.text and "ส่งข้อมูล" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    en = tenant.gw.get(f"/f/{key}", params={"lang": "en"})
    assert form["consent_en"] in en.text and ">Send<" in en.text and 'lang="en"' in en.text
    who = person()
    data = {k: str(v).lower() if isinstance(v, bool) else v for k, v in who.items()}
    data["website_url"] = ""
    # The hosted page's own origin (TIDTAM_PUBLIC_URL's) may always post.
    own = httpx.URL(form["hosted_url"])
    r = tenant.gw.post(f"/capture/forms/{key}", data=data,
                       headers={"X-Forwarded-For": new_address(),
                                "Origin": f"{own.scheme}://{own.netloc.decode()}"})
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/f/{key}?sent=1&lang=th"
    thanks = tenant.gw.get(r.headers["location"])
    assert "ขอบคุณ" in thanks.text and "<form" not in thanks.text
    wait_lead(tenant, who["name"])
    assert tenant.gw.get("/f/" + tenant.id.replace("-", "") + "B" * 22).status_code == 404


async def test_flood_from_one_address_is_limited_and_the_service_stays_responsive(
        tenant, form, system):
    address = new_address()
    url = f"/capture/forms/{form['public_key']}"
    statuses: list[int] = []
    retry_after: set[str] = set()
    async with httpx.AsyncClient(base_url=system.gateway.url, timeout=60) as client:
        sem = asyncio.Semaphore(20)

        async def one(i: int) -> None:
            async with sem:
                r = await client.post(url, json=person(name=f"flood {i}"),
                                      headers={"X-Forwarded-For": address})
                statuses.append(r.status_code)
                if r.status_code == 429:
                    retry_after.add(r.headers.get("retry-after", ""))

        flood = asyncio.gather(*(one(i) for i in range(1000)))
        # While it runs, another person (another address) is served.
        await asyncio.sleep(0.5)
        other = person()
        r = await client.post(url, json=other, headers={"X-Forwarded-For": new_address()})
        assert r.status_code == 202, r.text
        assert (await client.get(f"/f/{form['public_key']}")).status_code == 200
        await flood
    assert len(statuses) == 1000 and set(statuses) <= {202, 429}
    accepted = statuses.count(202)
    assert accepted == 10, accepted  # the address's burst; nothing refills in a test
    assert all(v.isdigit() and int(v) >= 1 for v in retry_after) and retry_after
    assert (await asyncio.to_thread(
        httpx.get, f"{system.capture.url}/readyz", timeout=30)).status_code == 200
    made = await count(system.db_url("capture", owner=True),
                       "SELECT count(*) FROM submissions WHERE form_id = $1",
                       uuid.UUID(form["id"]))
    assert made == accepted + 1


def test_a_captured_lead_goes_through_the_assignment_queues(tenant, form):
    """A capture channel is one of the paths that make leads: the first fitting queue
    (issue 16) gives the new lead to its member, says so in the log and publishes it."""
    r = tenant.gw.post("/api/v1/users", headers=tenant.admin, json={
        "email": f"queue-{uuid.uuid4().hex[:6]}@capture.example", "name": "คิว คนขาย",
        "password": PASSWORD, "role": "sales"})
    assert r.status_code == 201, r.text
    member = r.json()["id"]
    # The leads service learns of the user from its event: until then the member is unknown.
    deadline = time.monotonic() + 60
    while (queue := tenant.gw.post("/api/v1/queues", headers=tenant.admin, json={
            "name": "เว็บไซต์", "members": [member], "match": {"source": "website"}})
           ).status_code == 404:
        assert time.monotonic() < deadline, queue.text
        time.sleep(0.2)
    assert queue.status_code == 201, queue.text
    who = person()
    assert post(tenant, form, who).status_code == 202
    lead = wait_lead(tenant, who["name"])
    assert lead["owner_id"] == member
    history = tenant.gw.get(f"/api/v1/leads/{lead['id']}/history", headers=tenant.admin).json()
    assigned = [e for e in history if e["kind"] == "assigned"]
    assert len(assigned) == 1 and assigned[0]["detail"]["queue_name"] == "เว็บไซต์"
