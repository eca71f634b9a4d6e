"""Thai identifiers as API fields: tax IDs (13 digits with the check digit; a company's
starts with 0), branch numbers (5 digits, 00000 = head office) and postcodes."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from stdnum import exceptions as stdnum_errors
from stdnum.th import tin

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
HEAD_OFFICE = "00000"


def _digits_of(value: object, what: str) -> object:
    """Thai digits and the usual separators (spaces, dashes) are accepted and dropped."""
    if isinstance(value, str):
        return re.sub(r"[\s\-]", "", value.translate(THAI_DIGITS))
    raise PydanticCustomError(what, f"must be a string of digits (a {what.replace('_', ' ')})")


def check_tax_id(value: str) -> str:
    if not re.fullmatch(r"[0-9]{13}", value):
        raise PydanticCustomError("tax_id", "must be 13 digits, e.g. 0107544000108")
    try:
        tin.validate(value)
    except stdnum_errors.ValidationError:
        raise PydanticCustomError(
            "tax_id", "is not a valid Thai tax ID: its last digit (the check digit) does "
                      "not match the first twelve; check it for a typo") from None
    return value


def check_branch(value: str) -> str:
    if not re.fullmatch(r"[0-9]{5}", value):
        raise PydanticCustomError("branch", "must be 5 digits: 00000 for the head office, "
                                            "00001 for branch 1, …")
    return value


def check_postcode(value: str) -> str:
    # Thai postcodes: 5 digits, the first two a province's (10 Bangkok … 96 Narathiwat).
    if not re.fullmatch(r"[0-9]{5}", value) or not 10 <= int(value[:2]) <= 96:
        raise PydanticCustomError("postcode", "is not a Thai postcode: 5 digits from 10000 "
                                              "to 96999, e.g. 10110")
    return value


def _field(what: str, check, pattern: str, description: str):
    return Annotated[
        str,
        BeforeValidator(lambda v: _digits_of(v, what)),
        AfterValidator(check),
        WithJsonSchema({"type": "string", "pattern": pattern, "description": description}),
    ]


TaxId = _field("tax_id", check_tax_id, r"^[0-9]{13}$",
               "13-digit Thai tax ID with a valid check digit (a company's starts with 0)")
Branch = _field("branch", check_branch, r"^[0-9]{5}$",
                "5-digit branch number: 00000 = head office (สำนักงานใหญ่)")
Postcode = _field("postcode", check_postcode, r"^(1[0-9]|[2-8][0-9]|9[0-6])[0-9]{3}$",
                  "Thai postcode, 5 digits")


def branch_label(branch: str | None) -> str | None:
    """How Thai tax documents name a branch."""
    if branch is None:
        return None
    return "สำนักงานใหญ่" if branch == HEAD_OFFICE else f"สาขาที่ {branch}"
