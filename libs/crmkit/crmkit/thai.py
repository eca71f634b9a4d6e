"""Thai identifiers as API fields: tax IDs (13 digits with the check digit; a company's
starts with 0), branch numbers (5 digits, 00000 = head office) and postcodes.

Each schema pattern is exactly what the server accepts (a value the schema refuses is
refused). A tax ID's check digit no pattern can state: its schema says format `th-tax-id`
and the description says what that is."""

from __future__ import annotations

import re
from typing import Annotated, overload

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from stdnum import exceptions as stdnum_errors
from stdnum.th import tin

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
HEAD_OFFICE = "00000"
TAX_ID_PATTERN = r"^(?:[0-9๐-๙][ -]?){12}[0-9๐-๙]$"
BRANCH_PATTERN = r"^[0-9]{5}$"
POSTCODE_PATTERN = r"^(1[0-9]|[2-8][0-9]|9[0-6])[0-9]{3}$"


def check_tax_id(value: str) -> str:
    if not re.fullmatch(TAX_ID_PATTERN, value):
        raise PydanticCustomError("tax_id", "must be 13 digits, e.g. 0107544000108 (Thai "
                                            "digits, spaces or dashes between them are fine)")
    value = re.sub(r"[ -]", "", value.translate(THAI_DIGITS))
    try:
        tin.validate(value)
    except stdnum_errors.ValidationError:
        raise PydanticCustomError(
            "tax_id", "is not a valid Thai tax ID: its last digit (the check digit) does "
                      "not match the first twelve; check it for a typo") from None
    return value


def check_branch(value: str) -> str:
    if not re.fullmatch(BRANCH_PATTERN, value):
        raise PydanticCustomError("branch", "must be 5 digits: 00000 for the head office, "
                                            "00001 for branch 1, …")
    return value


def check_postcode(value: str) -> str:
    if not re.fullmatch(POSTCODE_PATTERN, value):
        raise PydanticCustomError("postcode", "is not a Thai postcode: 5 digits from 10000 "
                                              "to 96999, e.g. 10110")
    return value


# The schema names the format, not the pattern: a pattern would tell clients that any 13
# digits will do, and the check digit says otherwise.
TaxId = Annotated[str, AfterValidator(check_tax_id), WithJsonSchema({
    "type": "string", "format": "th-tax-id", "minLength": 13, "maxLength": 25,
    "description": "Thai tax ID: 13 digits whose last is the check digit (a company's "
                   "starts with 0), e.g. 0107544000108; Thai digits, and a space or dash "
                   "between digits, are accepted; stored as plain digits"})]
Branch = Annotated[str, AfterValidator(check_branch), WithJsonSchema({
    "type": "string", "pattern": BRANCH_PATTERN,
    "description": "5-digit branch number: 00000 = head office (สำนักงานใหญ่)"})]
Postcode = Annotated[str, AfterValidator(check_postcode), WithJsonSchema({
    "type": "string", "pattern": POSTCODE_PATTERN, "description": "Thai postcode, 5 digits"})]


@overload
def branch_label(branch: str) -> str: ...
@overload
def branch_label(branch: None) -> None: ...
def branch_label(branch: str | None) -> str | None:
    """How Thai tax documents name a branch."""
    if branch is None:
        return None
    return "สำนักงานใหญ่" if branch == HEAD_OFFICE else f"สาขาที่ {branch}"
