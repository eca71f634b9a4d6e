"""Documents as HTML (Jinja2, every value autoescaped: user text is shown as text, never
read as markup or CSS) and then PDF (the render workers)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from . import thaiformat

Digits = Literal["arabic", "thai"]


@dataclass(frozen=True)
class Party:
    name: str
    address: str | None = None
    tax_id: str | None = None
    branch_label: str | None = None
    email: str | None = None
    position: str | None = None
    phone: str | None = None
    signature: str | None = None  # a data: URI of our own re-encoded PNG
    logo: str | None = None  # the seller's, the same


@pass_context
def _digits(context: Context, value: object) -> str:
    text = str(value)
    return thaiformat.thai_digits(text) if context.get("digits") == "thai" else text


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("tidtam_documents", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(be=thaiformat.be_date, baht=thaiformat.baht, qty=thaiformat.quantity,
                       d=_digits)
    return env


@cache
def _css() -> str:
    return (files("tidtam_documents") / "templates" / "base.css").read_text(encoding="utf-8")


def tax_invoice_html(invoice: Any, *, copy: bool, digits: Digits = "arabic") -> str:
    return environment().get_template("tax_invoice.html.j2").render(
        t=invoice, copy=copy, digits=digits, css=_css())


TITLES = {"quote": ("ใบเสนอราคา", "Quotation"), "invoice": ("ใบแจ้งหนี้", "Invoice")}


def quote_html(quote: Any, *, customer: Party, seller: Party, salesperson: Party,
               preview: bool, digits: Digits = "arabic", kind: str = "quote") -> str:
    """A quotation, or an invoice (the same page with its due date instead of validity)."""
    title, title_en = TITLES[kind]
    return environment().get_template("quote.html.j2").render(
        q=quote, customer=customer, seller=seller, salesperson=salesperson, preview=preview,
        digits=digits, title=title, title_en=title_en, kind=kind, css=_css())


def credit_note_html(note: Any, *, copy: bool, digits: Digits = "arabic") -> str:
    return environment().get_template("credit_note.html.j2").render(
        c=note, copy=copy, digits=digits, css=_css())
