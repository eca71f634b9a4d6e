"""Excel import and export of leads at 100,000 rows, end to end through the gateway.
Prints figures, asserts nothing.

    .venv/bin/python bench/transfer.py [--rows 100000]

Starts its own system as bench/load.py does. Makes a .xlsx of N rows × 12 columns of Thai
text (XlsxWriter), then:
1. import: upload through the gateway (`POST /api/v1/imports`), start with the suggested
   mapping (9 columns mapped: 6 lead fields and 3 custom fields; 2 left out, 1 the owner
   by email), poll `GET /imports/{id}` until done → rows/s from upload to done, and the
   seconds until the outbox has published every `lead.created`;
2. export: those leads to .xlsx with 10 columns (`POST /api/v1/exports`, poll until done) →
   seconds, rows, and the leads process's peak resident memory during it over its size
   before (sampled every 20 ms from /proc), and the leads process's CPU seconds for it.

    .venv/bin/python bench/transfer.py --export-only [--rows 100000] [--format csv] [--profile]

skips the import: the leads are seeded with COPY (bench/seed.py, with the two custom
fields and a potential value), then exported as in 2. `--profile` records the leads
process with py-spy during the export and prints where its time went (bench/pyspy.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import Outbox, login, poll, setup_tenant, with_system  # noqa: E402
from pyspy import record, summarise  # noqa: E402
from seed import seed_leads  # noqa: E402

from crmkit.testing.system import System  # noqa: E402

HEADER = ["ชื่อ", "เบอร์โทร", "อีเมล", "ชื่อบริษัท", "หมายเหตุ", "ที่มา", "มูลค่าที่คาดหวัง",
          "จังหวัด", "ตำแหน่ง", "ผู้ดูแล", "ที่อยู่", "เว็บไซต์"]
FIRST = ["สมชาย", "สมหญิง", "กิตติ", "วราภรณ์", "ประเสริฐ", "อรุณี", "ธนากร", "พิมพ์ชนก"]
LAST = ["ใจดี", "มีสุข", "ทองคำ", "ศรีสยาม", "รุ่งเรือง", "บุญมา"]
PROVINCES = ["กรุงเทพมหานคร", "เชียงใหม่", "ภูเก็ต", "ขอนแก่น", "ชลบุรี", "สงขลา"]
Q = {"entity": "lead"}


def make_file(path: Path, rows: int, owner: str) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                           "strings_to_numbers": False})
    ws = book.add_worksheet("รายชื่อ")
    for c, h in enumerate(HEADER):
        ws.write_string(0, c, h)
    for i in range(rows):
        r = i + 1
        values = [f"คุณ{FIRST[i % 8]} {LAST[i % 6]} {i}", f"08{i:08d}",
                  f"lead{i}@bench.example", f"บริษัท {LAST[i % 6]}การค้า จำกัด",
                  "พบที่งานแสดงสินค้า บูธ A", "other", str(1000 + i % 50_000),
                  PROVINCES[i % 6], "ผู้จัดการฝ่ายจัดซื้อ", owner,
                  f"{i} ถนนสุขุมวิท แขวงคลองเตย", f"https://example{i % 100}.co.th"]
        for c, v in enumerate(values):
            ws.write_string(r, c, v)
    book.close()


class PeakRss:
    """The peak resident memory of one process, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def family_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of the leads process and of each of its child processes (its outbox
    relay), by pid."""
    out = {"service": cpu_seconds(pid)}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                out[f"child {child}"] = cpu_seconds(int(child))
            except FileNotFoundError:
                pass
    return out


SERVICES = ("leads", "accounts", "notifications", "activities", "documents", "capture",
            "insights", "gateway")


class Jobs(Outbox):
    """And the import job's phases (seconds per phase of its run, kept when it ends)."""

    async def phases(self, job_id: str) -> str:
        conn = await asyncpg.connect(self.url)
        try:
            return str(await conn.fetchval(
                "SELECT options -> 'phases' FROM import_jobs WHERE id = $1",
                uuid.UUID(job_id)))
        finally:
            await conn.close()


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process on the machine (backends come and go with
    their connections, so this counts only the living: a lower bound, and other users of
    the server are in it)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += cpu_seconds(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass
    return total


def system_cpu(system: System) -> dict[str, float]:
    """CPU seconds of each service process of the system (its children, the outbox relays,
    as `<name> relay`) and of PostgreSQL."""
    out: dict[str, float] = {"postgresql": postgres_cpu()}
    for name in SERVICES:
        proc = getattr(system, name, None)
        if proc is None or proc.proc is None:
            continue
        family = family_cpu(proc.proc.pid)
        out[name] = family.pop("service")
        out[f"{name} relay"] = sum(family.values())
    return out


def cpu_table(before: dict[str, float], after: dict[str, float], rows: int) -> str:
    per = {k: (after[k] - before.get(k, 0.0)) * 1000 / max(1, rows) for k in after}
    return ", ".join(f"{k} {v:.3f}" for k, v in sorted(per.items(), key=lambda kv: -kv[1])
                     if v >= 0.0005)


async def run(system: System, rows: int, *, export_only: bool = False, fmt: str = "xlsx",
              profile: bool = False, with_export: bool = True) -> None:
    tenant_id, _sales, ids = await setup_tenant(system, 1)
    assert system.gateway and system.leads and system.leads.proc
    async with httpx.AsyncClient(base_url=system.gateway.url, timeout=120) as gw:
        admin = await login(gw, "admin@bench.example", "bench-password-1")
        for key, th, en in (("province", "จังหวัด", "Province"),
                            ("position", "ตำแหน่ง", "Position")):
            r = await gw.post("/api/v1/custom-fields", params=Q, headers=admin, json={
                "key": key, "label_th": th, "label_en": en, "type": "text"})
            r.raise_for_status()
        if export_only:
            started = time.perf_counter()
            await seed_leads(system.db_url("leads", owner=True), tenant_id, ids, rows,
                             custom=lambda i: {"province": PROVINCES[i % 6],
                                               "position": "ผู้จัดการฝ่ายจัดซื้อ"})
            print(f"seeded {rows:,} leads with COPY in {time.perf_counter() - started:.1f} s")
        else:
            await import_file(system, gw, admin, tenant_id, rows)
        if with_export:
            await export(system, gw, admin, fmt, profile)


async def import_file(system: System, gw: httpx.AsyncClient, admin: dict[str, str],
                      tenant_id: str, rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leads.xlsx"
        started = time.perf_counter()
        make_file(path, rows, "sales0@bench.example")
        size = path.stat().st_size / 1024 / 1024
        print(f"file: {rows:,} rows × {len(HEADER)} columns, {size:.1f} MiB, made in "
              f"{time.perf_counter() - started:.1f} s")
        outbox = Jobs(system, tenant_id)
        before = await outbox.leads()
        assert system.leads and system.leads.proc
        cpu_before = family_cpu(system.leads.proc.pid)
        every_before = system_cpu(system)
        started = time.perf_counter()
        with path.open("rb") as f:
            r = await gw.post("/api/v1/imports", params=Q, headers=admin,
                              files={"file": ("leads.xlsx", f)})
        r.raise_for_status()
        job = r.json()
        uploaded = time.perf_counter() - started
        mapping = {**job["mapping"], "ผู้ดูแล": None}
        r = await gw.post(f"/api/v1/imports/{job['id']}/start", params=Q, headers=admin,
                          json={"mapping": mapping, "owner": {"column": "ผู้ดูแล"}})
        r.raise_for_status()
        while True:
            got = (await gw.get(f"/api/v1/imports/{job['id']}", params=Q,
                                headers=admin)).json()
            if got["status"] != "running":
                break
            await asyncio.sleep(0.1)
        spent = time.perf_counter() - started
        cpu_done = family_cpu(system.leads.proc.pid)
        every_done = system_cpu(system)
        made = await outbox.leads() - before
        phases = await outbox.phases(job["id"])
    print(f"import: {got['status']}{' (' + got['error'] + ')' if got['error'] else ''}, "
          f"{got['created']:,} created, {got['failed']:,} failed "
          f"({made:,} leads in the database); upload + checks + preview "
          f"{uploaded:.2f} s; upload to done {spent:.2f} s → {rows / spent:,.0f} rows/s")
    print(f"  mapped: {sum(1 for v in mapping.values() if v)} columns "
          f"({', '.join(k for k, v in mapping.items() if v)})")
    print(f"  phases (s, summed over the batches): {phases}")
    print(f"  CPU s per 1,000 rows, upload to done: {cpu_table(every_before, every_done, rows)}")
    drained = await poll(outbox.unsent, lambda n: n == 0, timeout=600)
    print(f"outbox: every lead.created published {time.perf_counter() - started:.1f} s "
          f"after the upload began ({drained})")
    cpu_end = family_cpu(system.leads.proc.pid)
    print(f"  CPU s per 1,000 rows, upload to every event published: "
          f"{cpu_table(every_before, system_cpu(system), rows)}")
    per = 1000 / max(1, rows)
    service = (cpu_done["service"] - cpu_before["service"]) * per
    relay = sum(cpu_end[k] - cpu_before.get(k, 0) for k in cpu_end if k != "service") * per
    print(f"  CPU per 1,000 rows: leads service {service:.3f} s (upload to done), its "
          f"relay process {relay:.3f} s (upload to every event published); load average "
          f"{os.getloadavg()[0]:.2f}")


async def export(system: System, gw: httpx.AsyncClient, admin: dict[str, str], fmt: str,
                 profile: bool) -> None:
    assert system.leads and system.leads.proc
    pid = system.leads.proc.pid
    columns = ["name", "phone", "email", "company", "source", "potential", "box",
               "created_at", "custom.province", "custom.position"]
    with tempfile.TemporaryDirectory() as tmp, PeakRss(pid) as rss:
        raw = Path(tmp) / "export.pyspy"
        spy = record(pid, 600, raw) if profile else None
        idle = rss.now()
        cpu = cpu_seconds(pid)
        started = time.perf_counter()
        r = await gw.post("/api/v1/exports", params=Q, headers=admin, json={
            "format": fmt, "columns": columns, "filters": {"box": "inbox"}})
        r.raise_for_status()
        job = r.json()
        while job["status"] == "running":
            await asyncio.sleep(0.05)
            job = (await gw.get(f"/api/v1/exports/{job['id']}", params=Q,
                                headers=admin)).json()
        spent = time.perf_counter() - started
        cpu = cpu_seconds(pid) - cpu
        if spy:
            spy.send_signal(2)  # SIGINT: py-spy writes what it has sampled
            spy.wait(timeout=60)
            profiled = summarise(raw) if raw.exists() else ["    (py-spy wrote nothing)"]
    print(f"export: {job['status']}, {job['rows']:,} rows × {len(columns)} columns to .{fmt} "
          f"in {spent:.2f} s; leads process CPU {cpu:.2f} s "
          f"({1e6 * cpu / max(1, job['rows'] * len(columns)):.2f} µs a cell); RSS {idle:.0f} "
          f"MiB before, peak {rss.peak:.0f} MiB (+{rss.peak - idle:.0f} MiB); load average "
          f"{os.getloadavg()[0]:.1f}")
    r = await gw.get(job["download_url"], headers=admin)
    print(f"  download: {len(r.content) / 1024 / 1024:.1f} MiB, HTTP {r.status_code}")
    if spy:
        print("  py-spy on the leads process during the export:")
        print("\n".join(profiled))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--export-only", action="store_true",
                        help="seed the leads with COPY instead of importing them")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy on the leads process during the export")
    parser.add_argument("--no-export", action="store_true", help="the import alone")
    args = parser.parse_args()
    print(f"Tidtam import/export benchmark — {os.cpu_count()} cores")
    with_system(lambda system: asyncio.run(run(
        system, args.rows, export_only=args.export_only, fmt=args.format,
        profile=args.profile, with_export=not args.no_export)))


if __name__ == "__main__":
    main()
