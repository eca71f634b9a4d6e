"""Accounts as stored ↔ as served: the columns an input fills, and the output model."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from crmkit.thai import HEAD_OFFICE, branch_label

from ..names import name_key
from .repository import AccountRow
from .schemas import AccountOut

# Input fields stored under another shape (location → lat/lon; the rest JSON).
_JSON_FIELDS = ("address", "bill_discount", "anniversaries")


def _local(phone: str) -> str:
    return re.sub(r"^\+66", "0", phone)


def search_text(v: dict[str, Any]) -> str:
    """What `q` searches: names, tax ID, phones (+66… and 0…), emails, LINE id."""
    parts = [v["name"], v.get("name_en") or "", v.get("tax_id") or "", v.get("line_id") or ""]
    for phone in v.get("phones") or []:
        parts += [phone, _local(phone)]
    parts += v.get("emails") or []
    return " ".join(p for p in parts if p).lower()


def column_values(fields: dict[str, Any]) -> dict[str, Any]:
    """Columns for the given input fields (a full account, or a PATCH's fields merged onto
    the current ones). Derived columns (name_key, province, search) follow."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "location":
            out["lat"], out["lon"] = (value.lat, value.lon) if value else (None, None)
        elif key in _JSON_FIELDS:
            out[key] = _json(value)
        elif key == "labels":
            out[key] = list(dict.fromkeys(value))
        elif key != "force":
            out[key] = value
    return out


def settle_branch(row: dict[str, Any]) -> dict[str, Any]:
    """A tax ID without a branch is the head office's; no tax ID, no branch."""
    if row.get("tax_id") and not row.get("branch"):
        return {"branch": HEAD_OFFICE}
    if not row.get("tax_id") and row.get("branch"):
        return {"branch": None}
    return {}


def derived(row: dict[str, Any]) -> dict[str, Any]:
    """name_key, province and search, from a full set of column values."""
    address = row.get("address") or {}
    return {"name_key": name_key(row["name"]), "province": address.get("province"),
            "search": search_text(row)}


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def to_out(row: AccountRow) -> AccountOut:
    data: dict[str, object] = dict(row)
    lat, lon = data.pop("lat", None), data.pop("lon", None)
    data["location"] = {"lat": lat, "lon": lon} if lat is not None else None
    data["branch_label"] = branch_label(row["branch"])
    return AccountOut.model_validate(data)
