"""An export's archive: each service's part, fetched from its internal export endpoint with
the admin's signed context (nothing personal is stored by the gateway or sent in an event),
into one .zip with `person.json` and a readable `person.xlsx` (a sheet per service and kind;
text written as text, never a formula)."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

import httpx
import xlsxwriter

from crmkit.context import HEADER
from crmkit.errors import AppError
from crmkit.sheets.writer import neutralised

from ..auth.caller import Caller
from ..config import GatewaySettings
from ..proxy.router import service_url


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"


async def gather(settings: GatewaySettings, caller: Caller, services: list[str],
                 ask: dict[str, Any]) -> list[dict[str, Any]]:
    context = caller.signed_context(settings.context_secret.get_secret_value(),
                                    ttl=settings.context_ttl, correlation_id=None)
    async with httpx.AsyncClient(timeout=settings.proxy_timeout) as client:
        async def part(name: str) -> dict[str, Any]:
            url = f"{service_url(settings, name)}/internal/privacy/export"
            try:
                r = await client.post(url, json=ask, headers={HEADER: context})
            except httpx.HTTPError as exc:
                raise ServiceUnavailable(f"the {name} service did not answer; try again "
                                         "later") from exc
            if r.status_code != 200:
                raise ServiceUnavailable(f"the {name} service could not export "
                                         f"({r.status_code}); try again later")
            data: dict[str, Any] = r.json()
            return data

        return list(await asyncio.gather(*(part(name) for name in services)))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return neutralised(str(value))


def _xlsx(parts: list[dict[str, Any]]) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    summary = book.add_worksheet("summary")
    for col, head in enumerate(("service", "kind", "records")):
        summary.write_string(0, col, head, bold)
    line = 1
    for part in parts:
        for kind, rows in part["data"].items():
            summary.write_string(line, 0, part["service"])
            summary.write_string(line, 1, kind)
            summary.write_number(line, 2, len(rows))
            line += 1
            if not rows:
                continue
            ws = book.add_worksheet(f"{part['service']}.{kind}"[:31])
            columns = list(dict.fromkeys(k for row in rows for k in row))
            for col, head in enumerate(columns):
                ws.write_string(0, col, head, bold)
            for r, row in enumerate(rows, start=1):
                for col, key in enumerate(columns):
                    ws.write_string(r, col, _cell(row.get(key)))
    book.close()
    return buf.getvalue()


def build(request: dict[str, Any], parts: list[dict[str, Any]]) -> bytes:
    person = {"request_id": str(request["id"]), "created_at": request["created_at"].isoformat(),
              "services": {p["service"]: p["data"] for p in parts}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("person.json", json.dumps(person, ensure_ascii=False, indent=2))
        z.writestr("person.xlsx", _xlsx(parts))
    return buf.getvalue()
