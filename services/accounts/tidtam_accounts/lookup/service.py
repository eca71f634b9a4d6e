"""Tax-ID / name lookup at the Revenue Department, mapped to pre-filled accounts.

One `RDLookup` per app (made on first use): its HTTP client and cache live as long as the
process. Answers, found or not, are cached; failures never are (the next call asks again).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

from fastapi import FastAPI
from prometheus_client import Counter
from pydantic_core import PydanticCustomError

from crmkit.errors import FieldError, ServiceUnavailable, Unprocessable
from crmkit.thai import branch_label, check_tax_id

from ..config import SERVICE, AccountsSettings
from .cache import TTLCache
from .client import RDClient, RDUnavailable
from .schemas import AddressOut, CandidateOut, LookupOut

log = logging.getLogger("tidtam_accounts.lookup")

LOOKUPS = Counter("tidtam_rd_lookups_total",
                  "Revenue Department lookups by outcome (found, not_found, unavailable) "
                  "and whether the cache answered", ["service", "outcome", "cached"])

CACHE_SIZE = 1000
MAX_CANDIDATES = 100
NAME_LENGTH = (2, 100)
# At least two characters that are not white space, and no control characters.
_ANY = r"[^\x00-\x1f\x7f-\x9f]*"
_SHOWN = r"[^\s\x00-\x1f\x7f-\x9f]"
NAME_PATTERN = f"^{_ANY}{_SHOWN}{_ANY}{_SHOWN}{_ANY}$"
# What vmsgerr says when there is no such registrant (ไม่พบข้อมูล...): "not VAT-registered".
NOT_FOUND_MESSAGE = re.compile(r"ไม่พบ|not\s*found|no\s*data", re.IGNORECASE)


def clean(value: str) -> str:
    """NFC, whitespace runs collapsed and stripped; the RD's "-" (nothing) is empty."""
    value = " ".join(unicodedata.normalize("NFC", value or "").split())
    return "" if value.strip("-") == "" else value


# --- input ------------------------------------------------------------------------------

def query_key(tax_id: str | None, name: str | None) -> tuple[str, str]:
    """("tax_id", 13 digits) or ("name", normalised text); 422 naming the query field."""
    if (tax_id is None) == (name is None):
        message = ("give exactly one of tax_id (13 digits) or name"
                   if tax_id is None else "give tax_id or name, not both")
        raise Unprocessable(message, fields=[FieldError(field=f"query.{f}", message=message,
                                                        code="exactly_one")
                                             for f in ("tax_id", "name")])
    if tax_id is not None:
        try:
            return "tax_id", check_tax_id(tax_id)
        except PydanticCustomError as exc:
            raise Unprocessable.on("query.tax_id", exc.message(), code="invalid_tax_id") from None
    # The route's own checks (NAME_PATTERN, NAME_LENGTH) hold it; again here for callers
    # other than the route.
    low, high = NAME_LENGTH
    name = name or ""
    if not re.fullmatch(NAME_PATTERN, name) or not low <= len(name) <= high:
        raise Unprocessable.on("query.name", f"must be {low} to {high} characters, at least "
                                             "two of them visible, and no control characters",
                               code="invalid_name")
    return "name", " ".join(unicodedata.normalize("NFC", name).split())


# --- reply -> candidates ------------------------------------------------------------------

ADDRESS_PARTS = (  # field, prefix added unless the value already starts with one of its forms
    ("vHouseNumber", "", ()),
    ("vBuildingName", "อาคาร", ("อาคาร",)),
    ("vFloorNumber", "ชั้น ", ("ชั้น",)),
    ("vRoomNumber", "ห้อง ", ("ห้อง",)),
    ("vVillageName", "หมู่บ้าน", ("หมู่บ้าน",)),
    ("vMooNumber", "หมู่ที่ ", ("หมู่",)),
    ("vSoiName", "ซอย", ("ซอย", "ซ.")),
    ("vStreetName", "ถนน", ("ถนน", "ถ.")),
)


def address_line(record: dict[str, str]) -> str:
    parts = []
    for field, prefix, forms in ADDRESS_PARTS:
        value = clean(record.get(field, ""))
        if value:
            parts.append(value if not prefix or value.startswith(forms) else prefix + value)
    return " ".join(parts)


def registered_name(record: dict[str, str], company: bool) -> str:
    title, name, surname = (clean(record.get(f, "")) for f in ("vtitleName", "vName",
                                                               "vSurname"))
    if title and name.startswith(title):
        title = ""
    if company:
        return " ".join(p for p in (title, name, surname) if p)
    # Thai writes a person's title against the given name: นายสมชาย ใจดี.
    return " ".join(p for p in (title + name, surname) if p)


def business_date(value: str) -> dt.date | None:
    """`2013-01-25`, `2556/01/25` or `25/01/2556` (with or without a time); a year above
    2400 is Buddhist Era. None when it is none of those."""
    numbers = re.findall(r"\d+", clean(value))[:3]
    if len(numbers) != 3:
        return None
    year, month, day = (numbers if len(numbers[0]) == 4 else numbers[::-1])
    try:
        year_ce = int(year) - 543 if int(year) > 2400 else int(year)
        return dt.date(year_ce, int(month), int(day))
    except ValueError:
        return None


def candidate(record: dict[str, str], asked_tin: str) -> CandidateOut | None:
    tax_id = re.sub(r"\D", "", clean(record.get("vNID", "")) or clean(record.get("vtin", "")))
    tax_id = tax_id or asked_tin
    if len(tax_id) != 13:
        return None
    digits = re.sub(r"\D", "", clean(record.get("vBranchNumber", ""))) or "0"
    branch = f"{int(digits):05d}"[-5:]
    company = tax_id.startswith("0")
    postcode = clean(record.get("vPostCode", ""))
    return CandidateOut(
        kind="company" if company else "person",
        name=registered_name(record, company),
        tax_id=tax_id,
        branch=branch,
        branch_label=branch_label(branch),
        address=AddressOut(line=address_line(record),
                           subdistrict=clean(record.get("vThambol", "")),
                           district=clean(record.get("vAmphur", "")),
                           province=clean(record.get("vProvince", "")),
                           postcode=postcode if re.fullmatch(r"\d{5}", postcode) else ""),
        business_first_date=business_date(record.get("vBusinessFirstDate", "")),
    )


def to_result(records: list[dict[str, str]], message: str, asked_tin: str) -> LookupOut:
    candidates = [c for c in (candidate(r, asked_tin) for r in records) if c is not None]
    message = clean(message)
    if not candidates and message and not NOT_FOUND_MESSAGE.search(message):
        raise RDUnavailable("error", message)  # an error the RD reports, not "no such TIN"
    return LookupOut(found=bool(candidates), candidates=candidates[:MAX_CANDIDATES],
                     cached=False)


# --- the lookup -----------------------------------------------------------------------------

class RDLookup:
    def __init__(self, settings: AccountsSettings):
        self.client = RDClient(settings.rd_url, settings.rd_timeout, settings.rd_ca_file)
        self.cache: TTLCache[LookupOut] = TTLCache(settings.rd_cache_seconds, CACHE_SIZE)

    @classmethod
    def of(cls, app: FastAPI) -> RDLookup:
        lookup = getattr(app.state, "rd_lookup", None)
        if lookup is None:
            lookup = app.state.rd_lookup = cls(app.state.settings)
        return lookup

    async def lookup(self, kind: str, value: str) -> LookupOut:
        key = (kind, value.casefold())
        hit = self.cache.get(key)
        if hit is not None:
            LOOKUPS.labels(SERVICE, "found" if hit.found else "not_found", "true").inc()
            return hit.model_copy(update={"cached": True})
        asked_tin = value if kind == "tax_id" else ""
        try:
            records, message = await self.client.search(
                tin=asked_tin, name=value if kind == "name" else "")
            result = to_result(records, message, asked_tin)
        except RDUnavailable as exc:
            LOOKUPS.labels(SERVICE, "unavailable", "false").inc()
            log.warning("RD lookup failed: %s", exc)
            raise ServiceUnavailable(
                "the Revenue Department's VAT service is unavailable "
                f"({exc.reason}); try again later, or save the account by hand",
                headers={"Retry-After": "60"}) from None
        LOOKUPS.labels(SERVICE, "found" if result.found else "not_found", "false").inc()
        self.cache.put(key, result)
        return result
