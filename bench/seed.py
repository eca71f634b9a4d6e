"""Bulk seeding for benchmarks: COPY straight into the leads database (the bulk path)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

FIRST = ["สมชาย", "สมหญิง", "วิชัย", "นภา", "ธนพล", "กมลวรรณ", "Anan", "Pim", "Somsak", "ศิริพร"]
LAST = ["ใจดี", "รักไทย", "ศรีสุข", "Wongsa", "มั่นคง", "Chaiyaporn", "ทองดี"]
COMPANIES = ["บริษัท ทดสอบ {} จำกัด", "หจก. ค้าขาย {}", "Siam Trading {} Co., Ltd."]


async def seed_leads(owner_url: str, tenant_id: str, owner_ids: list[str], count: int, *,
                     custom: Callable[[int], dict[str, Any]] | None = None) -> int:
    """Insert `count` inbox leads spread over `owner_ids`, dated over the last year (with
    `custom`, the i-th lead's custom fields as it gives them)."""
    conn = await asyncpg.connect(owner_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        tid = uuid.UUID(tenant_id)
        await conn.execute("SELECT set_config('app.tenant_id', $1, false)", tenant_id)
        pipeline, stage = await conn.fetchrow(
            "SELECT p.id, s.id FROM pipelines p JOIN stages s ON s.pipeline_id = p.id "
            "AND s.tenant_id = p.tenant_id WHERE p.tenant_id = $1 AND p.is_standard "
            "ORDER BY s.position LIMIT 1", tid)
        rng = random.Random(7)
        now = datetime.now(UTC)
        owners = [uuid.UUID(o) for o in owner_ids]

        def rows():
            for i in range(count):
                created = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                yield (tid, uuid.uuid4(), f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                       f"+668{rng.randint(10000000, 99999999)}", f"seed{i}@example.co.th",
                       rng.choice(COMPANIES).format(i % 500), "website", owners[i % len(owners)],
                       "inbox", pipeline, stage, created, created, Decimal(1000 + i % 50_000),
                       json.dumps(custom(i) if custom else {}, ensure_ascii=False))

        await conn.copy_records_to_table(
            "leads", records=rows(),
            columns=["tenant_id", "id", "name", "phone", "email", "company", "source",
                     "owner_id", "status", "pipeline_id", "stage_id", "created_at", "updated_at",
                     "potential", "custom"])
        await conn.execute("ANALYZE leads; ANALYZE lead_search")
        return count
    finally:
        await conn.close()
