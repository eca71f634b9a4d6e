"""A lead made from an existing account (and optionally one of its contacts): what the body
leaves out comes from them, read fresh from the accounts service as the caller."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from crmkit.errors import FieldError, Unprocessable

from ..leads.schemas import LeadCreate
from .client import AccountsReader


@dataclass(frozen=True)
class Details:
    name: str
    phone: str  # E.164 with `;ext=NN`, as crmkit.text.Phone makes it and accounts keep it
    email: str
    company: str | None
    contact_id: uuid.UUID | None = None  # the contact given, else the primary one used


def check_required(body: LeadCreate) -> None:
    """`contact_id` needs `account_id` (name, phone and email without an account are
    required by LeadCreate itself)."""
    if body.contact_id is not None and body.account_id is None:
        raise Unprocessable.on("body.contact_id", "needs account_id: the account the contact "
                                                  "is of", code="requires_account_id")


def own_details(body: LeadCreate) -> Details:
    if body.name is None or body.phone is None or body.email is None:
        # LeadCreate's own validator refuses such a body without account_id already.
        missing = [f for f in ("name", "phone", "email") if getattr(body, f) is None]
        raise Unprocessable(f"{', '.join(missing)} required without account_id",
                            fields=[FieldError(field=f"body.{f}", message="is required",
                                               code="missing") for f in missing])
    return Details(body.name, body.phone, body.email, body.company)


async def details(body: LeadCreate, accounts: AccountsReader) -> Details:
    """The lead's name, phone, email and company: the body's, else the contact's (the one
    given, else the account's primary contact), else the account's. 404 for an account or
    contact the caller may not see; 503 when the accounts service cannot answer."""
    if body.account_id is None:
        return own_details(body)
    account = await accounts.account(body.account_id)
    contact = (await accounts.contact(account_id=body.account_id,
                                      contact_id=body.contact_id)
               if body.contact_id is not None
               else await accounts.primary_contact(body.account_id))
    sources = [s for s in (contact, account) if s is not None]
    whose = "the contact and the account have" if contact else "the account has"
    phone = body.phone or next((p for s in sources for p in s.phones), None)
    if phone is None:
        raise Unprocessable.on("body.phone", f"is required: {whose} no phone", code="missing")
    email = body.email or next((e for s in sources for e in s.emails), None)
    if email is None:
        raise Unprocessable.on("body.email", f"is required: {whose} no email", code="missing")
    company = body.company
    if company is None and account.kind == "company":
        company = account.name[:200]
    name = body.name or (contact.name if contact else account.name)[:200]
    return Details(name, phone, email, company, contact.id if contact else None)
