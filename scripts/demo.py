"""`make demo`: seed a demo tenant with Thai sample data through the public HTTP API.

    .venv/bin/python scripts/demo.py [--gateway URL] [--leads 30]

Needs a running system (`make run`). The operator token comes from TIDTAM_OPERATOR_TOKEN,
else from .run/operator_token (written by `make run` in development). Every run makes a new
tenant whose users' emails carry a short random tag, so it can be re-run at will; the
credentials are printed and written to .run/demo_credentials.txt.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKEN_FILE = ROOT / ".run" / "operator_token"
CREDENTIALS_FILE = ROOT / ".run" / "demo_credentials.txt"
TENANT_NAME = "บริษัท ตัวอย่าง จำกัด (Demo)"
PASSWORD = "Tidtam-demo-2024"
# The leads service learns users from gateway events: a just-created user may be unknown
# there for a moment (404/422 on owner_id / to_user_id). Retry for this long.
PROPAGATION_TIMEOUT = 30.0

FIRST = ["สมชาย", "สมหญิง", "วิชัย", "นภาพร", "ธนพล", "กมลวรรณ", "ประเสริฐ", "สุดารัตน์",
         "อนันต์", "พิมพ์ชนก", "ศักดิ์ชัย", "วรรณา", "ณัฐพงษ์", "จิราพร", "เกียรติศักดิ์"]
LAST = ["ใจดี", "รักษ์ไทย", "ศรีสุข", "วงศ์ษา", "มั่นคง", "ชัยพร", "ทองดี", "แก้วมณี",
        "บุญมา", "สุขสวัสดิ์", "พึ่งบุญ", "เจริญผล"]
COMPANIES = [
    "บริษัท สยามเทรดดิ้ง จำกัด", "ห้างหุ้นส่วนจำกัด เชียงใหม่ค้าไม้", "บริษัท กรุงเทพอาหารสด จำกัด",
    "ร้านกาแฟบ้านสวน", "บริษัท ภูเก็ตทัวร์ แอนด์ ทราเวล จำกัด", "บริษัท ขอนแก่นการเกษตร จำกัด",
    "คลินิกทันตกรรมยิ้มสวย", "บริษัท อีสานโลจิสติกส์ จำกัด (มหาชน)", "โรงแรมริมน้ำ หัวหิน",
    "บริษัท ไทยสมาร์ทโซลาร์ จำกัด", None, None,
]
SOURCES = ["website", "facebook", "line", "email", "phone", "walk_in", "referral", "other"]
FOLLOWUPS = [
    ("phone", "โทรแนะนำสินค้าแล้ว ลูกค้าสนใจ ขอใบเสนอราคา"),
    ("line", "ส่งแคตตาล็อกทาง LINE แล้ว รอลูกค้าตอบกลับ"),
    ("email", "ส่งอีเมลสรุปรายละเอียดแพ็กเกจและราคา"),
    ("meeting", "นัดพบที่สำนักงานลูกค้า คุยเรื่องงบประมาณไตรมาสหน้า"),
    ("note", "ลูกค้าขอให้ติดต่อกลับหลังวันที่ 15 ของเดือน"),
    ("phone", "ลูกค้าไม่รับสาย จะโทรอีกครั้งพรุ่งนี้"),
]


class Api:
    def __init__(self, base: str):
        self.http = httpx.Client(base_url=base.rstrip("/"), timeout=20)

    def call(self, method: str, path: str, token: str | None = None, *, expect=(200, 201),
             retry_on: tuple[int, ...] = (), **kw) -> dict:
        """One API call; `retry_on` statuses are retried while a new user propagates (a 422
        only when it is about a user id, so real validation errors fail at once)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        deadline = time.monotonic() + PROPAGATION_TIMEOUT
        while True:
            resp = self.http.request(method, path, headers=headers, **kw)
            if resp.status_code in expect:
                return resp.json() if resp.content else {}
            about_user = resp.status_code != 422 or any(
                f in resp.text for f in ("owner_id", "to_user_id", "user"))
            if resp.status_code in retry_on and about_user and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            raise SystemExit(f"error: {method} {path} → {resp.status_code}: {resp.text[:500]}")

    def login(self, email: str, password: str) -> str:
        return self.call("POST", "/api/v1/auth/token",
                         data={"username": email, "password": password})["access_token"]


MOBILE_PREFIXES = ["081", "082", "083", "084", "085", "086", "087", "088", "089", "091", "092",
                   "093", "094", "095", "096", "097", "098", "099", "061", "062", "063", "064"]


def thai_mobile(rng: random.Random) -> str:
    """A Thai mobile number in the way people write it: 081-234-5678."""
    return f"{rng.choice(MOBILE_PREFIXES)}-{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"


def operator_token() -> str:
    token = os.environ.get("TIDTAM_OPERATOR_TOKEN", "")
    if not token and TOKEN_FILE.exists():
        token = TOKEN_FILE.read_text().strip()
    if not token:
        raise SystemExit("error: no operator token: set TIDTAM_OPERATOR_TOKEN, or start the "
                         "system with `make run` (it writes .run/operator_token)")
    return token


def wait_for_gateway(api: Api, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if api.http.get("/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"error: the gateway at {api.http.base_url} is not ready: "
                             "is `make run` running?")
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default=os.environ.get("TIDTAM_GATEWAY_URL",
                                                             "http://127.0.0.1:8000"))
    parser.add_argument("--leads", type=int, default=30, help="how many sample leads")
    args = parser.parse_args(argv)
    api = Api(args.gateway)
    wait_for_gateway(api)
    op = operator_token()
    tag = secrets.token_hex(3)
    rng = random.Random()

    def email(who: str) -> str:
        return f"{who}.{tag}@demo.tidtam.co.th"

    people = {
        "admin": ("ผู้ดูแลระบบ ตัวอย่าง", "admin", None),
        "manager": ("สมศรี ผู้จัดการ", "manager", "bkk"),
        "sales1": ("วิชัย ขายเก่ง", "sales", "bkk"),
        "sales2": ("นภา ใจดี", "sales", "bkk"),
    }

    tenant = api.call("POST", "/api/v1/tenants", op, json={
        "name": TENANT_NAME,
        "admin": {"email": email("admin"), "name": people["admin"][0], "password": PASSWORD}})
    admin = api.login(email("admin"), PASSWORD)
    print(f"tenant   {TENANT_NAME}  id={tenant['id']}")

    team = api.call("POST", "/api/v1/teams", admin, json={"name": "ทีมขายกรุงเทพ"})
    users = {"admin": tenant["admin_user_id"]}
    for key, (name, role, _team) in people.items():
        if key == "admin":
            continue
        created = api.call("POST", "/api/v1/users", admin, json={
            "email": email(key), "name": name, "password": PASSWORD, "role": role,
            "team_id": team["id"]})
        users[key] = created["id"]
    api.call("PATCH", "/api/v1/settings", admin,
             json={"lead_visibility": "team", "allow_stage_back": False})
    tokens = {key: api.login(email(key), PASSWORD) for key in people}

    pipelines = api.call("GET", "/api/v1/pipelines", admin, retry_on=(404,))
    pipelines = pipelines["items"] if isinstance(pipelines, dict) else pipelines
    standard = next((p for p in pipelines if p.get("is_standard")), pipelines[0])
    stages = sorted(standard["stages"], key=lambda s: s["position"])

    # Leads: most created by the admin for an owner (as an import or a front desk would),
    # some by the sales users themselves.
    owners = ["sales1", "sales2", "manager", "sales1", "sales2"]
    leads: list[tuple[str, str]] = []  # (lead id, owner key)
    for i in range(args.leads):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        owner = owners[i % len(owners)]
        body = {
            "name": f"{first} {last}", "phone": thai_mobile(rng),
            "email": f"lead{i + 1}.{tag}@example.co.th", "source": rng.choice(SOURCES),
            "potential": rng.choice([15000, 35000, 50000, 120000, 250000, 480000, 1200000]),
        }
        company = rng.choice(COMPANIES)
        if company:
            body["company"] = company
        if i % 3 == 0:  # the owner records it
            lead = api.call("POST", "/api/v1/leads", tokens[owner], json=body,
                            retry_on=(401, 404, 422))
        else:
            lead = api.call("POST", "/api/v1/leads", admin, json={**body,
                            "owner_id": users[owner]}, retry_on=(404, 422))
        leads.append((lead["id"], owner))
    print(f"leads    {len(leads)} created")

    # Stage moves: forward only (allow_stage_back is off), as the owner.
    moved = 0
    for n, (lead_id, owner) in enumerate(leads[:14]):
        target = stages[1 + n % (len(stages) - 1)]
        api.call("POST", f"/api/v1/leads/{lead_id}/stage", tokens[owner],
                 json={"stage_id": target["id"]})
        moved += 1
    print(f"stages   {moved} leads moved along '{standard['name']}'")

    # Follow-ups, some with a next contact date (Bangkok time).
    bangkok = datetime.now(UTC).astimezone().tzinfo
    logged = 0
    for n, (lead_id, owner) in enumerate(leads[:12]):
        channel, note = FOLLOWUPS[n % len(FOLLOWUPS)]
        body = {"channel": channel, "note": note}
        if n % 2 == 0:
            when = datetime.now(UTC) + timedelta(days=1 + n % 7)
            body["next_contact_at"] = when.astimezone(bangkok).isoformat(timespec="seconds")
        api.call("POST", f"/api/v1/leads/{lead_id}/followups", tokens[owner], json=body)
        logged += 1
    print(f"follow-ups {logged} logged")

    # Send a few on to a colleague: they land in the recipient's Inbox, the sender's Sent.
    sent = 0
    for lead_id, owner in leads[14:24]:
        if owner != "sales1" or sent >= 4:
            continue
        api.call("POST", f"/api/v1/leads/{lead_id}/send", tokens[owner],
                 json={"to_user_id": users["sales2"], "note": "ลูกค้าอยู่ในพื้นที่ของคุณ ฝากดูแลต่อด้วยครับ"},
                 retry_on=(404, 422))
        sent += 1
    print(f"sent     {sent} leads from sales1 to sales2")

    lost_id, lost_owner = leads[-1]
    api.call("POST", f"/api/v1/leads/{lost_id}/lost", tokens[lost_owner],
             json={"reason": "ราคาสูงเกินไป / Price too high"})
    junk_id, junk_owner = leads[-2]
    api.call("POST", f"/api/v1/leads/{junk_id}/junk", tokens[junk_owner],
             json={"reason": "ข้อมูลปลอม / Fake details"})
    print("boxes    1 lead lost (price too high), 1 junked (fake details)")

    seed_accounts(api, tokens, users, leads, tag)

    lines = [f"Tidtam demo tenant: {TENANT_NAME} ({tenant['id']})",
             f"gateway: {api.http.base_url}   docs: {api.http.base_url}/docs",
             f"password for every user: {PASSWORD}"]
    for key, (name, role, _team) in people.items():
        lines.append(f"  {role:<8} {email(key):<40} {name}")
    CREDENTIALS_FILE.parent.mkdir(exist_ok=True)
    with open(CREDENTIALS_FILE, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n\n")
    print("\n" + "\n".join(lines))
    print(f"\nLog in:  curl -sS -X POST {api.http.base_url}/api/v1/auth/token "
          f"-d username={email('sales1')} -d password={PASSWORD}")
    print(f"(also appended to {CREDENTIALS_FILE.relative_to(ROOT)})")
    return 0


ACCOUNTS = [  # name, tax ID's first 12 digits, branch, province, postcode, contact
    ("บริษัท สยามค้าไม้ จำกัด", "010555600123", "00000", "กรุงเทพมหานคร", "10110",
     ("คุณวิภาวรรณ ศรีสุข", "ผู้จัดการฝ่ายจัดซื้อ")),
    ("บริษัท เชียงใหม่การเกษตร จำกัด", "050555800456", "00001", "เชียงใหม่", "50200",
     ("คุณอนันต์ ทองดี", "เจ้าของกิจการ")),
    ("ห้างหุ้นส่วนจำกัด ภูเก็ตซีฟู้ด", "083555900789", "00000", "ภูเก็ต", "83000",
     ("คุณปิยะนุช รักไทย", "ฝ่ายบัญชี")),
]


def seed_accounts(api: Api, tokens: dict, users: dict, leads: list, tag: str) -> None:
    """Customer accounts with contacts, a lead made from one (selling again), and a lead
    converted into a new account (over events: it shows `converting` for a moment)."""
    from stdnum.th import moa

    made = []
    for n, (name, prefix, branch, province, postcode, (person, position)) in enumerate(ACCOUNTS):
        owner = ["sales1", "sales2", "manager"][n]
        account = api.call("POST", "/api/v1/accounts", tokens["admin"], json={
            "kind": "company", "name": name, "tax_id": prefix + moa.calc_check_digit(prefix),
            "branch": branch, "owner_id": users[owner], "labels": ["ลูกค้าประจำ"],
            "address": {"line": f"{10 + n}/{n + 1} ถนนสุขุมวิท", "province": province,
                        "postcode": postcode},
            "phones": [f"02-{210 + n}-{1000 + n:04d}"], "emails": [f"info{n}.{tag}@example.co.th"],
            "credit_limit": 200000 * (n + 1), "credit_days": 30,
        }, retry_on=(404,))
        api.call("POST", f"/api/v1/accounts/{account['id']}/contacts", tokens["admin"], json={
            "name": person, "position": position, "phones": [f"08{n + 1}-555-{1234 + n:04d}"],
            "emails": [f"contact{n}.{tag}@example.co.th"]})
        made.append((account, owner))
    print(f"accounts {len(made)} with a contact each")
    account, owner = made[0]
    api.call("POST", "/api/v1/leads", tokens[owner], json={
        "account_id": account["id"], "source": "referral", "potential": 350000,
        "note": "ขายซ้ำ: สั่งไม้แปรรูปล็อตใหม่ / repeat order"}, retry_on=(404, 422, 503))
    lead_id, lead_owner = leads[0]
    api.call("POST", f"/api/v1/leads/{lead_id}/convert", tokens[lead_owner],
             json={"account": {}}, expect=(202,))
    print("leads    1 made from an account, 1 converted into a new account")


if __name__ == "__main__":
    sys.exit(main())
