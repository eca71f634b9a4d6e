"""Helpers of the capture tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

PASSWORD = "capture-password-1"
ORIGIN = "https://shop.example.co.th"
_addresses = itertools.count(1)


def new_address() -> str:
    """A client address of its own (198.51.100.0/24 and on: documentation ranges)."""
    n = next(_addresses)
    return f"198.51.{100 + n // 250}.{n % 250 + 1}"


def login(gw: httpx.Client, email: str) -> dict:
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@dataclass
class Tenant:
    id: str
    gw: httpx.Client
    admin: dict
    admin_id: str
    extra: dict = field(default_factory=dict)

    def user(self, role: str) -> dict:
        email = f"{role}-{uuid.uuid4().hex[:6]}@capture.example"
        r = self.gw.post("/api/v1/users", headers=self.admin, json={
            "email": email, "name": f"{role} คนขาย", "password": PASSWORD, "role": role})
        assert r.status_code == 201, r.text
        return login(self.gw, email)


FIELDS = [
    {"key": "name", "label_th": "ชื่อ", "label_en": "Name", "required": True},
    {"key": "phone", "label_th": "เบอร์โทร", "label_en": "Phone"},
    {"key": "email", "label_th": "อีเมล", "label_en": "Email"},
    {"key": "budget", "label_th": "งบประมาณ", "label_en": "Budget"},
]


def form_body(**over) -> dict:
    return {"name": "ขอใบเสนอราคา", "source": "website", "fields": FIELDS,
            "consent_th": "ข้าพเจ้ายินยอมให้บริษัทเก็บและใช้ข้อมูลเพื่อติดต่อกลับ",
            "consent_en": "I agree that the company keeps and uses my details to contact me",
            "consent_version": "2026-01", "allowed_origins": [ORIGIN], **over}


def until(get, check, timeout: float = 60.0):
    """Poll `get()` (a response) until `check(json)` holds; returns the json."""
    deadline = time.monotonic() + timeout
    while True:
        r = get()
        if r.status_code == 200 and check(r.json()):
            return r.json()
        assert time.monotonic() < deadline, (r.status_code, r.text)
        time.sleep(0.2)


async def count(url: str, sql: str, *args) -> int:
    """One number from a service's database, as its owner."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return int(await conn.fetchval(sql, *args))
    finally:
        await conn.close()


class FakeGraph:
    """A small real Graph API (`GET /{leadgen_id}?access_token=…`) in a thread: the leads it
    knows, each failing (500) its first `fails` fetches; every fetch is kept in `calls`."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.leads: dict[str, dict] = {}
        self.fails: dict[str, int] = {}
        self.calls: list[tuple[str, str]] = []
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                leadgen_id = url.path.rsplit("/", 1)[-1]
                token = parse_qs(url.query).get("access_token", [""])[0]
                graph.calls.append((leadgen_id, token))
                lead = graph.leads.get(leadgen_id)
                if graph.fails.get(leadgen_id, 0) > 0:
                    graph.fails[leadgen_id] -= 1
                    lead = None
                    status = 500
                else:
                    status = 200 if lead is not None else 404
                body = json.dumps(lead or {"error": {"message": "no"}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v21.0"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fetches(self, leadgen_id: str) -> int:
        return sum(1 for x, _ in self.calls if x == leadgen_id)


class FakeLine:
    """A small real LINE Messaging API (`GET /v2/bot/profile/{userId}` with a bearer token)
    in a thread: the profiles it knows (404 for others), each failing (500) its first
    `fails` fetches, each answering after `delay` seconds; every fetch is kept in `calls`
    as (user id, token)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.profiles: dict[str, dict] = {}
        self.fails: dict[str, int] = {}
        self.delay = 0.0
        self.calls: list[tuple[str, str]] = []
        line = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                user_id = self.path.rsplit("/", 1)[-1]
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                line.calls.append((user_id, token))
                if line.delay:
                    time.sleep(line.delay)
                profile = line.profiles.get(user_id)
                if line.fails.get(user_id, 0) > 0:
                    line.fails[user_id] -= 1
                    profile, status = None, 500
                else:
                    status = 200 if profile is not None else 404
                body = json.dumps(profile or {"message": "Not found"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def self_signed(folder: Path) -> dict[str, str]:
    """A self-signed certificate for 127.0.0.1 (and localhost) and its key, as PEM files in
    `folder`: {"cert": path, "key": path}."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    paths = {"cert": str(folder / "cert.pem"), "key": str(folder / "key.pem")}
    Path(paths["cert"]).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(paths["key"]).write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return paths
