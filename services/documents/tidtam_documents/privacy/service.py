"""Data-subject requests (PDPA) in the documents service, on `privacy.resolved`: the quotes,
invoices, tax invoices and credit notes of the person's leads, accounts and contacts, and
the names and emails this service keeps of those leads and accounts, and of deals made
from those leads.

Erase: quotes lose their notes and their kept PDF (a later one is drawn from the erased
names); the lead, account and deal copies are anonymised. Issued tax invoices, credit notes and
invoices are accounting documents the law requires to be kept (Revenue Code s. 87/3,
Accounting Act B.E. 2543 s. 14: five years): they keep the customer's name and address, and
the answer says so."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import ERASED, Part, Person, privacy_handlers, privacy_router, rows
from tidtam_contracts.privacy import Kept

from ..config import SERVICE
from ..contracts import EVENTS

_LAW = ("an issued tax document: kept with the customer's name and address as the Revenue "
        "Code (s. 87/3) and the Accounting Act (s. 14) require, for five years")


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    ids = sorted(person.subjects)
    part = Part()
    quotes = await rows(session, "SELECT id, number, lead_id, account_id, contact_id, status, "
                                 "issue_date, notes, grand_total FROM quotes WHERE "
                                 "lead_id = ANY(:ids) OR account_id = ANY(:ids) "
                                 "OR contact_id = ANY(:ids) OR deal_id IN (SELECT id FROM "
                                 "deals WHERE lead_id = ANY(:ids)) ORDER BY number", ids=ids)
    part.add("quotes", quotes)
    quote_ids = [q["id"] for q in quotes]
    invoices = await rows(session, "SELECT id, number, quote_id, issue_date, customer FROM "
                                   "invoices WHERE lead_id = ANY(:ids) OR account_id = ANY(:ids)"
                                   " OR quote_id = ANY(:q)", ids=ids, q=quote_ids)
    taxed = await rows(session, "SELECT id, number, quote_id, issue_date, buyer FROM "
                                "tax_invoices WHERE quote_id = ANY(:q)", q=quote_ids)
    notes = await rows(session, "SELECT id, number, tax_invoice_id, issue_date, buyer FROM "
                                "credit_notes WHERE tax_invoice_id = ANY(:t)",
                       t=[t["id"] for t in taxed])
    part.add("invoices", invoices)
    part.add("tax_invoices", taxed)
    part.add("credit_notes", notes)
    copies = await rows(session, "SELECT id, name, company, email FROM leads WHERE id = ANY(:ids)"
                                 " UNION ALL SELECT id, name, NULL, NULL FROM accounts "
                                 "WHERE id = ANY(:ids) UNION ALL SELECT id, name, NULL, NULL "
                                 "FROM deals WHERE lead_id = ANY(:ids)", ids=ids)
    part.add("names", copies, texts=("name", "email"))
    for what, docs in (("invoices.customer", invoices), ("tax_invoices.buyer", taxed),
                       ("credit_notes.buyer", notes)):
        if docs and erase:
            part.kept.append(Kept(what=what, count=len(docs), reason=_LAW))
    if erase:
        for sql in ("UPDATE quotes SET notes = NULL WHERE id = ANY(:q)",
                    "DELETE FROM pdf_files WHERE key = ANY(:keys)",
                    f"UPDATE leads SET name = '{ERASED}', company = NULL, email = '' "
                    "WHERE id = ANY(:ids)",
                    f"UPDATE accounts SET name = '{ERASED}', name_en = NULL, address = NULL, "
                    "tax_id = NULL WHERE id = ANY(:ids)",
                    f"UPDATE deals SET name = '{ERASED}' WHERE lead_id = ANY(:ids)"):
            await session.execute(sa.text(sql), {
                "ids": ids, "q": quote_ids, "keys": [f"quote/{q}" for q in quote_ids]})
    return part


HANDLERS = privacy_handlers(EVENTS, find, resolved=True)
ROUTER = privacy_router(SERVICE, find)
