"""Accounts benchmark: prints figures, asserts nothing.

    make bench-accounts    # or: .venv/bin/python bench/accounts.py [--accounts 100000]

Starts its own accounts service (fresh database, fresh RabbitMQ vhost, a real uvicorn
process), seeds N accounts of one tenant with COPY (the bulk path, with the same derived
columns the service writes), then measures p50/p99, called directly on the service with a
context signed by the bench (the gateway's overhead is measured by bench/load.py):
1. the account picker's search (`GET /api/v1/accounts?q=`) by name, phone and tax ID, for
   an admin (whole tenant) and a sales user under `own` visibility;
2. the duplicate check before save (`POST /api/v1/accounts/duplicates`) by name (Thai
   affixes ignored, trigram similarity), tax ID + branch, and phone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from stdnum.th import moa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import with_system  # noqa: E402
from timing import report, timed_requests  # noqa: E402

from crmkit.context import sign_context  # noqa: E402
from crmkit.testing.system import System  # noqa: E402
from tidtam_accounts.accounts.values import search_text  # noqa: E402
from tidtam_accounts.names import name_key  # noqa: E402

WORDS = ["ไทยรุ่งเรือง", "ศรีสยาม", "เชียงใหม่", "รวมทรัพย์", "สุขสวัสดิ์", "Siam", "Golden",
         "อุดมสุข", "มั่นคง", "Pacific", "ทองคำ", "บางกอก"]
FORMS = ["บริษัท {} จำกัด", "หจก. {}", "{} Co., Ltd.", "บริษัท {} จำกัด (มหาชน)", "ร้าน{}"]
PROVINCES = ["กรุงเทพมหานคร", "เชียงใหม่", "ภูเก็ต", "ขอนแก่น", "ชลบุรี", "สงขลา"]


def tax_id(i: int) -> str:
    body = f"0105{i:08d}"
    return body + moa.calc_check_digit(body)


def phone(i: int) -> str:
    return f"+662{(i * 7919) % 10_000_000:07d}"


async def seed(owner_url: str, tenant: uuid.UUID, owners: list[uuid.UUID], count: int) -> None:
    conn = await asyncpg.connect(owner_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("SELECT set_config('app.tenant_id', $1, false)", str(tenant))
        rng = random.Random(11)
        now = datetime.now(UTC)
        accounts, keys = [], []
        for i in range(count):
            name = rng.choice(FORMS).format(f"{rng.choice(WORDS)}{rng.choice(WORDS)} {i}")
            v = {"name": name, "tax_id": tax_id(i), "phones": [phone(i)],
                 "emails": [f"info{i}@example.co.th"]}
            created = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
            aid = uuid.uuid4()
            accounts.append((tenant, aid, "company", name, name_key(name), v["tax_id"], "00000",
                             rng.choice(PROVINCES), v["phones"], v["emails"],
                             owners[i % len(owners)], created, created, search_text(v)))
            keys += [(tenant, aid, "phone", v["phones"][0]), (tenant, aid, "email",
                                                              v["emails"][0])]
        await conn.copy_records_to_table("accounts", records=accounts, columns=[
            "tenant_id", "id", "kind", "name", "name_key", "tax_id", "branch", "province",
            "phones", "emails", "owner_id", "created_at", "updated_at", "search"])
        await conn.copy_records_to_table("account_keys", records=keys, columns=[
            "tenant_id", "account_id", "kind", "value"])
        await conn.execute("ANALYZE accounts; ANALYZE account_keys; ANALYZE account_search")
    finally:
        await conn.close()


async def run(system: System, n: int, samples: int) -> None:
    tenant = uuid.uuid4()
    owners = [uuid.uuid4() for _ in range(10)]
    start = time.perf_counter()
    await seed(system.db_url("accounts", owner=True), tenant, owners, n)
    print(f"\nTidtam accounts benchmark — {os.cpu_count()} cores, one uvicorn worker")
    print(f"  seeded {n:,} accounts with COPY in {time.perf_counter() - start:.1f} s "
          f"({n / (time.perf_counter() - start):,.0f} rows/s)")

    def headers(role: str, user: uuid.UUID, visibility: str) -> dict[str, str]:
        return {"X-Tidtam-Context": sign_context(
            system.context_secret, tenant_id=tenant, user_id=user, role=role, team_id=None,
            lead_visibility="all", account_visibility=visibility, team_member_ids=[],
            settings={})}

    admin = uuid.uuid4()
    # Signed per request: a context lives only briefly.
    callers = {"admin": lambda: headers("admin", admin, "all"),
               "sales (own)": lambda: headers("sales", owners[0], "own")}
    rng = random.Random(5)
    async with httpx.AsyncClient(base_url=system.accounts.url, timeout=60) as api:
        print(f"\n1. account search (picker), {n:,} accounts, concurrency 1")
        searches = {
            "one common word (1 in 6 match)": lambda i: {"q": rng.choice(WORDS)},
            "name part": lambda i: {"q": f"{rng.choice(WORDS)}{rng.choice(WORDS)}"},
            "name + number": lambda i: {"q": f"{rng.choice(WORDS)} {rng.randrange(n)}"},
            "phone, local form": lambda i: {"q": "0" + phone(rng.randrange(n))[3:]},
            "tax ID": lambda i: {"q": tax_id(rng.randrange(n))},
            "no q (newest 50)": lambda i: {},
        }
        for who, h in callers.items():
            for label, params in searches.items():
                async def call(client, i, h=h, params=params):
                    return await client.get("/api/v1/accounts", headers=h(),
                                            params={"limit": 50, **params(i)})
                await timed_requests(api, call, 10, 1)
                report(f"{who}: {label}", *await timed_requests(api, call, samples, 1))

        print("\n2. duplicate check before save, concurrency 1")
        checks = {
            "name (affixes ignored)": lambda i: {"name": f"บจก. {rng.choice(WORDS)}"
                                                 f"{rng.choice(WORDS)} {rng.randrange(n)}"},
            "tax ID + branch": lambda i: {"tax_id": tax_id(rng.randrange(n)), "branch": "00000"},
            "phone": lambda i: {"phones": ["0" + phone(rng.randrange(n))[3:]]},
            "all of them": lambda i: {"name": f"{rng.choice(WORDS)} {i}",
                                      "tax_id": tax_id(rng.randrange(n)),
                                      "phones": ["0" + phone(rng.randrange(n))[3:]]},
        }
        for label, body in checks.items():
            async def check(client, i, body=body):
                return await client.post("/api/v1/accounts/duplicates",
                                         headers=callers["admin"](), json=body(i))
            await timed_requests(api, check, 10, 1)
            report(f"duplicates: {label}", *await timed_requests(api, check, samples, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()

    def start(system: System) -> None:
        system.migrate()
        system.accounts = system.accounts_process().start()

    with_system(lambda system: asyncio.run(run(system, args.accounts, args.samples)),
                start=start)


if __name__ == "__main__":
    main()
