"""Data-subject requests (PDPA) in the accounts service: the person's contacts and their
person accounts (matched by a phone, an email or the LINE id), a company account that
lists one of their phones or emails, and the timeline entries that name them.

Erase: a contact's name becomes `(erased)` and its position, phones, emails, LINE id and
birthday are emptied; a person account the same, with its English name, address and tax
id; a company account keeps everything but the person's own phones and emails; timeline
entries holding their name, phone or email keep only ids, numbers and kinds. Each change
publishes `contact.updated` / `account.updated` with the anonymised record (no personal
data), so other services' projections follow."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import (
    ERASED,
    Part,
    Person,
    privacy_handlers,
    privacy_router,
    rows,
    sql_keep_safe,
)
from tidtam_contracts.accounts import AccountUpdatedV1, ContactUpdatedV1

from ..accounts import repository as accounts
from ..accounts.events import stage_account_event
from ..accounts.values import derived, to_out
from ..config import SERVICE
from ..contacts import repository as contacts
from ..contacts.events import stage_contact_event
from ..contracts import EVENTS

_KEYS = "phones, emails, line_id"


def _theirs(person: Person, row: dict[str, Any]) -> bool:
    return person.any(emails=row["emails"] or [], phones=row["phones"] or [],
                      line_ids=[row["line_id"]])


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    part = Part()
    found_contacts = [r for r in await rows(session, "SELECT * FROM contacts WHERE "
                                                     "cardinality(phones) + cardinality(emails)"
                                                     " > 0 OR line_id IS NOT NULL")
                      if _theirs(person, r)]
    found_accounts = [r for r in await rows(session, f"SELECT id, kind, {_KEYS} FROM accounts")
                      if _theirs(person, r)]
    ids = [r["id"] for r in found_accounts]
    accounts_rows = await rows(session, "SELECT id, kind, name, name_en, tax_id, branch, "
                                        "address, phones, emails, website, line_id, "
                                        "created_at FROM accounts WHERE id = ANY(:ids)", ids=ids)
    people = [a for a in accounts_rows if a["kind"] == "person"]
    part.add("contacts", [{k: v for k, v in c.items() if k not in ("tenant_id", "search")}
                          for c in found_contacts],
             texts=("name", "phones", "emails", "line_id"))
    part.add("person_accounts", people, texts=("name", "name_en", "phones", "emails",
                                                "line_id", "tax_id"))
    companies = [a for a in accounts_rows if a["kind"] != "person"]
    for company in companies:
        part.remember([p for p in company["phones"] if person.phone(p)])
        part.remember([e for e in company["emails"] if person.email(e)])
    part.add("company_accounts", [
        {"id": c["id"], "name": c["name"],
         "phones": [p for p in c["phones"] if person.phone(p)],
         "emails": [e for e in c["emails"] if person.email(e)]} for c in companies],
             id_key=None)  # a company is not the person: its records are not theirs
    if erase:
        await _erase(session, tenant, person, found_contacts, people, companies)
    timeline = await rows(session, "SELECT id, account_id, lead_id, kind, summary, at "
                                   "FROM timeline WHERE EXISTS (SELECT 1 FROM unnest("
                                   "CAST(:texts AS text[])) t WHERE strpos(summary::text, t) > 0)",
                          texts=sorted(part.texts))
    part.add("timeline", timeline, id_key=None)
    if erase and timeline:
        await session.execute(sa.text(
            f"UPDATE timeline SET summary = {sql_keep_safe('summary')} WHERE id = ANY(:ids)"),
            {"ids": [t["id"] for t in timeline]})
    return part


async def _erase(session: AsyncSession, tenant: TenantId, person: Person,
                 found_contacts: list[dict[str, Any]], people: list[dict[str, Any]],
                 companies: list[dict[str, Any]]) -> None:
    for c in found_contacts:
        row = await contacts.update(session, tenant, c["id"], {
            "name": ERASED, "position": None, "phones": [], "emails": [], "line_id": None,
            "birthday": None})
        await accounts.set_keys(session, tenant, account_id=c["account_id"],
                                contact_id=c["id"], phones=[], emails=[])
        await stage_contact_event(session, tenant, ContactUpdatedV1, row,
                                  changed=["name", "position", "phones", "emails", "line_id",
                                           "birthday"])
    for a in people:
        await _update_account(session, tenant, a["id"], {
            "name": ERASED, "name_en": None, "address": None, "phones": [], "emails": [],
            "line_id": None, "tax_id": None, "branch": None, "website": None})
    for a in companies:
        await _update_account(session, tenant, a["id"], {
            "phones": [p for p in a["phones"] if not person.phone(p)],
            "emails": [e for e in a["emails"] if not person.email(e)]})


async def _update_account(session: AsyncSession, tenant: TenantId, account_id: Any,
                          values: dict[str, Any]) -> None:
    current = (await rows(session, "SELECT * FROM accounts WHERE id = :id", id=account_id))[0]
    merged = {**current, **values}
    row = await accounts.update(session, tenant, account_id, {**values, **derived(merged)})
    await accounts.set_keys(session, tenant, account_id=account_id, contact_id=None,
                            phones=merged["phones"], emails=merged["emails"])
    await stage_account_event(session, tenant, AccountUpdatedV1, to_out(row),
                              changed=sorted(values))


HANDLERS = privacy_handlers(EVENTS, find)
ROUTER = privacy_router(SERVICE, find)
