"""`make run`: the whole system on this machine, in the foreground.

    .venv/bin/python scripts/run.py [--migrate-only]

1. checks that PostgreSQL and RabbitMQ answer (says which is down and how to start it);
2. creates the databases `tidtam_accounts`, `tidtam_leads`, `tidtam_notifications`,
   `tidtam_activities`, `tidtam_documents` and `tidtam_gateway` and the application and
   relay roles if missing, and migrates each (`python -m crmkit.migrate <service-dir>
   --database-url ...`);
3. in development, generates TIDTAM_OPERATOR_TOKEN when it is not set (written to
   .run/operator_token for `make demo`);
4. in development without TIDTAM_SMTP_URL, starts a local SMTP sink that keeps each email
   as an .eml under .run/mail/ (and says so);
5. starts accounts, leads, notifications, activities, documents and the gateway in that
   order, each once the one before answers /readyz, prints how to log in, and multiplexes
   their logs with a prefix;
6. on Ctrl-C or SIGTERM stops them all (SIGTERM, then SIGKILL after a grace period) and
   exits 0; if one dies on its own, stops the others and exits non-zero.

Every setting comes from the TIDTAM_* environment variables of docs/CONTRACTS.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
RUN_DIR = ROOT / ".run"
TOKEN_FILE = RUN_DIR / "operator_token"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import checkservers  # noqa: E402

PG = "postgresql+asyncpg://{user}@127.0.0.1:5432/{db}"
DEFAULTS = {
    "TIDTAM_ENV": "development",
    "TIDTAM_AMQP_URL": "amqp://guest:guest@127.0.0.1:5672/",
    "TIDTAM_LEADS_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_leads"),
    "TIDTAM_LEADS_RELAY_DATABASE_URL": PG.format(user="tidtam_relay", db="tidtam_leads"),
    "TIDTAM_LEADS_MIGRATE_DATABASE_URL": PG.format(user="postgres", db="tidtam_leads"),
    "TIDTAM_ACCOUNTS_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_accounts"),
    "TIDTAM_ACCOUNTS_RELAY_DATABASE_URL": PG.format(user="tidtam_relay", db="tidtam_accounts"),
    "TIDTAM_ACCOUNTS_MIGRATE_DATABASE_URL": PG.format(user="postgres", db="tidtam_accounts"),
    "TIDTAM_NOTIFICATIONS_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_notifications"),
    "TIDTAM_NOTIFICATIONS_RELAY_DATABASE_URL": PG.format(user="tidtam_relay",
                                                         db="tidtam_notifications"),
    "TIDTAM_NOTIFICATIONS_MIGRATE_DATABASE_URL": PG.format(user="postgres",
                                                           db="tidtam_notifications"),
    "TIDTAM_ACTIVITIES_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_activities"),
    "TIDTAM_ACTIVITIES_RELAY_DATABASE_URL": PG.format(user="tidtam_relay",
                                                      db="tidtam_activities"),
    "TIDTAM_ACTIVITIES_MIGRATE_DATABASE_URL": PG.format(user="postgres", db="tidtam_activities"),
    "TIDTAM_DOCUMENTS_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_documents"),
    "TIDTAM_DOCUMENTS_RELAY_DATABASE_URL": PG.format(user="tidtam_relay", db="tidtam_documents"),
    "TIDTAM_DOCUMENTS_MIGRATE_DATABASE_URL": PG.format(user="postgres", db="tidtam_documents"),
    "TIDTAM_CAPTURE_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_capture"),
    "TIDTAM_CAPTURE_RELAY_DATABASE_URL": PG.format(user="tidtam_relay", db="tidtam_capture"),
    "TIDTAM_CAPTURE_MIGRATE_DATABASE_URL": PG.format(user="postgres", db="tidtam_capture"),
    "TIDTAM_INSIGHTS_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_insights"),
    "TIDTAM_INSIGHTS_RELAY_DATABASE_URL": PG.format(user="tidtam_relay", db="tidtam_insights"),
    "TIDTAM_INSIGHTS_MIGRATE_DATABASE_URL": PG.format(user="postgres", db="tidtam_insights"),
    "TIDTAM_GATEWAY_DATABASE_URL": PG.format(user="tidtam_app", db="tidtam_gateway"),
    "TIDTAM_GATEWAY_RELAY_DATABASE_URL": PG.format(user="tidtam_relay", db="tidtam_gateway"),
    "TIDTAM_GATEWAY_MIGRATE_DATABASE_URL": PG.format(user="postgres", db="tidtam_gateway"),
    "TIDTAM_LEADS_URL": "http://127.0.0.1:8001",
    "TIDTAM_ACCOUNTS_URL": "http://127.0.0.1:8002",
    "TIDTAM_NOTIFICATIONS_URL": "http://127.0.0.1:8003",
    "TIDTAM_ACTIVITIES_URL": "http://127.0.0.1:8004",
    "TIDTAM_DOCUMENTS_URL": "http://127.0.0.1:8005",
    "TIDTAM_CAPTURE_URL": "http://127.0.0.1:8006",
    "TIDTAM_INSIGHTS_URL": "http://127.0.0.1:8007",
    "TIDTAM_GATEWAY_URL": "http://127.0.0.1:8000",
    # Readable console logs for a developer; set TIDTAM_LOG_JSON=true for the JSON lines.
    "TIDTAM_LOG_JSON": "false",
}
SERVICES = (  # name, package dir, ASGI app, URL variable, migrate URL variable (start order)
    ("accounts", "services/accounts", "tidtam_accounts.main:app", "TIDTAM_ACCOUNTS_URL",
     "TIDTAM_ACCOUNTS_MIGRATE_DATABASE_URL"),
    ("leads", "services/leads", "tidtam_leads.main:app", "TIDTAM_LEADS_URL",
     "TIDTAM_LEADS_MIGRATE_DATABASE_URL"),
    ("notifications", "services/notifications", "tidtam_notifications.main:app",
     "TIDTAM_NOTIFICATIONS_URL", "TIDTAM_NOTIFICATIONS_MIGRATE_DATABASE_URL"),
    ("activities", "services/activities", "tidtam_activities.main:app",
     "TIDTAM_ACTIVITIES_URL", "TIDTAM_ACTIVITIES_MIGRATE_DATABASE_URL"),
    ("documents", "services/documents", "tidtam_documents.main:app", "TIDTAM_DOCUMENTS_URL",
     "TIDTAM_DOCUMENTS_MIGRATE_DATABASE_URL"),
    ("capture", "services/capture", "tidtam_capture.main:app", "TIDTAM_CAPTURE_URL",
     "TIDTAM_CAPTURE_MIGRATE_DATABASE_URL"),
    ("insights", "services/insights", "tidtam_insights.main:app", "TIDTAM_INSIGHTS_URL",
     "TIDTAM_INSIGHTS_MIGRATE_DATABASE_URL"),
    ("gateway", "gateway", "tidtam_gateway.main:app", "TIDTAM_GATEWAY_URL",
     "TIDTAM_GATEWAY_MIGRATE_DATABASE_URL"),
)
# In development with no TIDTAM_SMTP_URL: a local SMTP sink keeps every email as an .eml.
MAIL_DIR = RUN_DIR / "mail"
MAIL_SINK_PORT = int(os.environ.get("TIDTAM_RUN_MAIL_SINK_PORT", "8025"))
READY_TIMEOUT = float(os.environ.get("TIDTAM_RUN_READY_TIMEOUT", "60"))
STOP_GRACE = float(os.environ.get("TIDTAM_RUN_STOP_GRACE", "10"))

_color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
_print_lock = threading.Lock()


def say(msg: str = "", *, err: bool = False) -> None:
    with _print_lock:
        print(msg, file=sys.stderr if err else sys.stdout, flush=True)


def fail(msg: str, code: int = 1) -> int:
    say(f"error: {msg}", err=True)
    return code


def db_role(env: dict[str, str], role_var: str, url_var: str, default: str) -> str:
    """A role the services log in as: `role_var` if set, else the user of the leads URL."""
    if env.get(role_var):
        return env[role_var]
    return urlsplit(env[url_var].replace("+asyncpg", "")).username or default


def migrate(env: dict[str, str]) -> int:
    role = db_role(env, "TIDTAM_APP_DB_ROLE", "TIDTAM_LEADS_DATABASE_URL", "tidtam_app")
    relay = db_role(env, "TIDTAM_RELAY_DB_ROLE", "TIDTAM_LEADS_RELAY_DATABASE_URL",
                    "tidtam_relay")
    for name, service_dir, _app, _url_var, migrate_var in SERVICES:
        say(f"migrate: {name} ({_db_name(env[migrate_var])})")
        cmd = [sys.executable, "-m", "crmkit.migrate", service_dir,
               "--database-url", env[migrate_var], "--app-role", role, "--relay-role", relay]
        done = subprocess.run(cmd, cwd=ROOT, env=env)
        if done.returncode:
            return fail(f"migrating {name} failed (exit {done.returncode}): "
                        f"{' '.join(cmd[1:4])} --database-url {env[migrate_var]}")
    return 0


def _db_name(url: str) -> str:
    return urlsplit(url.replace("+asyncpg", "")).path.lstrip("/")


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def port_in_use(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def operator_token(env: dict[str, str]) -> tuple[str, bool]:
    """(token, generated). Used as given when set; generated in development otherwise."""
    token = env.get("TIDTAM_OPERATOR_TOKEN", "")
    if token:
        return token, False
    if env["TIDTAM_ENV"] != "development":
        raise SystemExit(fail(f"TIDTAM_OPERATOR_TOKEN must be set when "
                              f"TIDTAM_ENV={env['TIDTAM_ENV']}"))
    return secrets.token_urlsafe(32), True


SECRET_KEYS_FILE = RUN_DIR / "secret_keys"


def secret_keys(env: dict[str, str]) -> None:
    """Development: TIDTAM_SECRET_KEYS (crmkit.sealed) from .run/secret_keys, generated once
    there, so secrets sealed in one run open in the next."""
    if env.get("TIDTAM_SECRET_KEYS"):
        return
    if not SECRET_KEYS_FILE.exists():
        from crmkit.sealed import Keyring

        SECRET_KEYS_FILE.touch(mode=0o600)
        SECRET_KEYS_FILE.write_text(Keyring.generate_key() + "\n")
    env["TIDTAM_SECRET_KEYS"] = SECRET_KEYS_FILE.read_text().strip()


class Child:
    """One service: uvicorn in its own session (so a terminal Ctrl-C reaches only us and
    we stop the children in order), its output prefixed onto ours and kept in .run/logs."""

    COLORS = {"leads": "\033[36m", "accounts": "\033[33m", "gateway": "\033[35m",
              "notifications": "\033[32m", "mail": "\033[34m", "activities": "\033[31m",
              "documents": "\033[35m", "capture": "\033[36m",
              "insights": "\033[33m"}

    def __init__(self, name: str, app: str, url: str, env: dict[str, str]):
        self.name, self.app, self.url, self.env = name, app, url, env
        self.proc: subprocess.Popen | None = None
        self.pump: threading.Thread | None = None
        self.cmd: list[str] | None = None  # None: the service's uvicorn

    def start(self) -> Child:
        host, port = _host_port(self.url)
        # crmkit.serve: uvicorn with TIDTAM_WORKERS and TIDTAM_KEEP_ALIVE_SECONDS.
        cmd = self.cmd or [sys.executable, "-m", "crmkit.serve", self.app, "--host", host,
                           "--port", str(port), "--no-access-log",
                           "--timeout-graceful-shutdown", "5"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()
        return self

    def _pump(self) -> None:
        prefix = f"{self.name:<8} | "
        if _color:
            prefix = f"{self.COLORS.get(self.name, '')}{prefix}\033[0m"
        (RUN_DIR / "logs").mkdir(parents=True, exist_ok=True)
        with open(RUN_DIR / "logs" / f"run-{self.name}.log", "ab") as log:
            for raw in iter(self.proc.stdout.readline, b""):
                log.write(raw)
                log.flush()
                say(prefix + raw.decode("utf-8", "replace").rstrip("\n"))

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, stopping: threading.Event) -> str | None:
        """None when /readyz answers 200; otherwise why not."""
        deadline = time.monotonic() + READY_TIMEOUT
        last = "no answer yet"
        while time.monotonic() < deadline:
            if stopping.is_set():
                return "stopped"
            if not self.alive():
                return f"{self.name} exited with code {self.proc.returncode} while starting"
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as resp:
                    if resp.status == 200:
                        return None
            except urllib.error.HTTPError as exc:
                last = f"/readyz answered {exc.code}: {exc.read()[:300].decode('utf-8', 'replace')}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(getattr(exc, "reason", exc))
            time.sleep(0.25)
        return f"{self.name} not ready on {self.url} after {READY_TIMEOUT:.0f}s ({last})"

    def stop(self) -> None:
        if not self.alive():
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            say(f"{self.name} did not stop within {STOP_GRACE:.0f}s: SIGKILL", err=True)
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        if self.pump:
            self.pump.join(2)


def start_mail_sink(env: dict[str, str]) -> Child:
    """The local SMTP sink (crmkit.testing.mailsink) that emails go to in development."""
    if port_in_use("127.0.0.1", MAIL_SINK_PORT):
        raise SystemExit(fail(f"127.0.0.1:{MAIL_SINK_PORT} (the mail sink) is in use: set "
                              "TIDTAM_SMTP_URL, or TIDTAM_RUN_MAIL_SINK_PORT to another port"))
    sink = Child("mail", "", f"http://127.0.0.1:{MAIL_SINK_PORT}", env)
    sink.cmd = [sys.executable, "-m", "crmkit.testing.mailsink", "--dir", str(MAIL_DIR),
                "--port", str(MAIL_SINK_PORT)]
    sink.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while not port_in_use("127.0.0.1", MAIL_SINK_PORT):
        if not sink.alive() or time.monotonic() > deadline:
            raise SystemExit(fail("the mail sink did not start (see .run/logs/run-mail.log)"))
        time.sleep(0.1)
    env["TIDTAM_SMTP_URL"] = f"smtp://127.0.0.1:{MAIL_SINK_PORT}"
    env["TIDTAM_MAIL_SINK"] = "1"
    say(f"mail: no TIDTAM_SMTP_URL, so emails go to a local sink on {env['TIDTAM_SMTP_URL']} "
        f"and are kept as .eml files in {MAIL_DIR}")
    return sink


def has_web_ui(gw: str) -> bool:
    try:
        with urllib.request.urlopen(gw + "/", timeout=2) as resp:
            return resp.status == 200 and "html" in resp.headers.get("content-type", "")
    except (urllib.error.URLError, OSError):
        return False


def banner(env: dict[str, str], token: str, generated: bool) -> str:
    gw = env["TIDTAM_GATEWAY_URL"].rstrip("/")
    where = "generated for this run; " if generated else ""
    ui = f"   web UI   {gw}/\n" if has_web_ui(gw) else ""
    mail = (f"   email    {env['TIDTAM_SMTP_URL']}\n" if not env.get("TIDTAM_MAIL_SINK") else
            f"   email    not sent: kept as .eml files in {MAIL_DIR} (no TIDTAM_SMTP_URL)\n")
    return f"""
──────────────────────────────────────────────────────────────────────────────
 Tidtam is running.
   gateway  {gw}        API docs  {gw}/docs
{ui}   leads    {env['TIDTAM_LEADS_URL']}        (internal: answers only the gateway)
   accounts {env['TIDTAM_ACCOUNTS_URL']}        (internal: answers only the gateway)
   notifications {env['TIDTAM_NOTIFICATIONS_URL']}   (internal: answers only the gateway)
   activities {env['TIDTAM_ACTIVITIES_URL']}      (internal: answers only the gateway)
   documents {env['TIDTAM_DOCUMENTS_URL']}       (internal: answers only the gateway)
   capture   {env['TIDTAM_CAPTURE_URL']}       (internal; public forms via the gateway)
   insights  {env['TIDTAM_INSIGHTS_URL']}       (internal: answers only the gateway)
{mail}   operator token ({where}also in .run/operator_token):
     {token}

 Create a tenant with its first admin:
   curl -sS -X POST {gw}/api/v1/tenants \\
     -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \\
     -d '{{"name": "บริษัทของฉัน", "admin": {{"email": "admin@example.co.th",
          "name": "Admin", "password": "change-me-123"}}}}'
 Log in (OAuth2 password grant) and call the API with the access_token:
   curl -sS -X POST {gw}/api/v1/auth/token \\
     -d username=admin@example.co.th -d password=change-me-123
   curl -sS {gw}/api/v1/me -H 'Authorization: Bearer <access_token>'
 Sample data: `make demo` in another shell.     Stop: Ctrl-C
──────────────────────────────────────────────────────────────────────────────
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--migrate-only", action="store_true",
                        help="create databases and role, migrate, and exit")
    args = parser.parse_args(argv)
    env = {**DEFAULTS, **{k: v for k, v in os.environ.items() if v != "" or k not in DEFAULTS}}
    env["PYTHONUNBUFFERED"] = "1"

    stopping = threading.Event()

    def on_signal(signum, _frame):
        if not stopping.is_set():
            say(f"\n{signal.Signals(signum).name}: stopping…", err=True)
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    for _name, _dir, _app, _url, migrate_var in SERVICES:
        if not checkservers.check(env[migrate_var], env["TIDTAM_AMQP_URL"], quiet=True,
                                  db_from=migrate_var, amqp_from="TIDTAM_AMQP_URL"):
            return 1
    if not args.migrate_only:
        for name, _dir, _app, url_var, _m in SERVICES:
            host, port = _host_port(env[url_var])
            if port_in_use(host, port):
                return fail(f"{host}:{port} ({name}, {url_var}) is already in use: another "
                            f"`make run`? Stop it, or set {url_var} to another port")
        token, generated = operator_token(env)
    if migrate(env):
        return 1
    if args.migrate_only or stopping.is_set():
        return 0

    env["TIDTAM_OPERATOR_TOKEN"] = token
    RUN_DIR.mkdir(exist_ok=True)
    if env["TIDTAM_ENV"] == "development":
        TOKEN_FILE.touch(mode=0o600)
        TOKEN_FILE.write_text(token + "\n")
        secret_keys(env)

    children: list[Child] = []
    code = 0
    try:
        if env["TIDTAM_ENV"] == "development" and not env.get("TIDTAM_SMTP_URL"):
            children.append(start_mail_sink(env))
        for name, _dir, app, url_var, _m in SERVICES:
            child = Child(name, app, env[url_var], env).start()
            children.append(child)
            problem = child.wait_ready(stopping)
            if problem == "stopped":
                return 0
            if problem:
                code = fail(problem)
                return code
            say(f"{name} ready on {env[url_var]}")
        say(banner(env, token, generated))
        while not stopping.wait(0.2):
            for child in children:
                if not child.alive():
                    rc = child.proc.returncode
                    how = (f"was killed by {signal.Signals(-rc).name}" if rc < 0
                           else f"exited with code {rc}")
                    code = 128 - rc if rc < 0 else (rc or 1)
                    say(f"error: {child.name} {how} unexpectedly; stopping the rest", err=True)
                    return code
        return 0
    finally:
        for child in reversed(children):  # the gateway first: it proxies to the services
            child.stop()
        if env["TIDTAM_ENV"] == "development":
            TOKEN_FILE.unlink(missing_ok=True)
        if children:
            say("stopped." if code == 0 else f"stopped (exit {code}).")


if __name__ == "__main__":
    sys.exit(main())
