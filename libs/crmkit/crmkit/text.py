"""Input normalisation for Thai users: NFC text, phones to E.164, lengths users can see.

NFC, never NFKC: NFKC splits SARA AM (U+0E33) into two code points and breaks search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import phonenumbers
from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Thai users write an extension as "ต่อ 12"; the parser only knows "ext.".
_EXT_WORD = re.compile(r"\s*ต่อ\s*")
EXT_SEP = ";ext="


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


# White space as Python's str.strip() and JSON Schema's `\s` (ECMA-262) each know it: they
# differ (Python strips U+001C-U+001F and U+0085, the schema's `\s` has U+FEFF), and a value
# of nothing else must be blank to both, or a fuzzer finds the gap.
BLANK = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\ufeff"
# What the schema promises (and the server enforces): some character that is not white
# space, and no NUL, which PostgreSQL cannot store.
NOT_BLANK = "^[^\\x00]*[^\\x00" + "".join(f"\\u{ord(c):04x}" for c in BLANK) + "][^\\x00]*$"


def check_unicode(value: str) -> str:
    """Text PostgreSQL can store and UTF-8 can carry: no NUL, no lone surrogate (JSON's
    `"\\ud800"` decodes to one, and it fails later, as a 500, wherever the text is encoded).
    Unchanged otherwise: secrets such as passwords are checked with this alone, never
    normalised, so a hash made from the bytes a user typed still matches."""
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "must not contain NUL (\\u0000) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("string_unicode", "is not valid Unicode text (lone "
                                  "surrogate escape)") from None
    return value


def check_text(value: str, max_len: int) -> str:
    # Lengths are in code points of the value as sent, exactly as the schema's maxLength
    # counts them (trimming comes after): what the schema refuses, we refuse. Thai vowel and
    # tone marks count too, so limits are set with room for them.
    if len(value) > max_len:
        raise PydanticCustomError("string_too_long", "is too long: at most {max_length} "
                                  "characters", {"max_length": max_len})
    value = check_unicode(value)
    value = unicodedata.normalize("NFC", value).strip(BLANK)
    if not value:
        raise PydanticCustomError("string_too_short", "must not be blank", {"min_length": 1})
    return value


@dataclass(frozen=True, slots=True)
class Text:
    """`Annotated[str, Text(200)]`: an NFC-normalised, trimmed, non-blank string of at most
    200 characters. The field's type stays `str` for the type checker; this marker adds the
    check, and the schema says `maxLength: 200` (code points), which the server counts too."""

    max_len: int

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            partial(check_text, max_len=self.max_len), handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "minLength": 1, "maxLength": self.max_len,
                "pattern": NOT_BLANK}


def parse_phone(raw: str) -> str:
    """A Thai (or international) phone in any common written form → E.164, with
    `;ext=NN` appended when an extension was given (RFC 3966's form, `+6621234567;ext=12`).

    The one way every service writes a phone, a lead's `phone` as an account's or contact's
    `phones` item: a conversion copies it as it is, and `tel:` links take it."""
    if _COMMON_PHONE.match(raw):  # no parse needed (a bulk import's hot path)
        digits = _NOT_DIGIT.sub("", raw.translate(THAI_DIGITS))
        return "+66" + (digits[1:] if digits[0] == "0" else digits[2:])
    cleaned = _EXT_WORD.sub(" ext. ", raw.translate(THAI_DIGITS))
    try:
        number = phonenumbers.parse(cleaned, "TH")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise PydanticCustomError(
            "phone", "is not a phone number we can dial; write it like 081-234-5678, "
                     "02 123 4567 or +66 81 234 5678")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164}{EXT_SEP}{number.extension}" if number.extension else e164


# The common forms (every string matching it is a valid Thai number): mobile 06x/08x/09x and
# Bangkok 02, from 0, 66 or +66, Thai or Arabic digits, spaces or dashes, an optional
# extension. The server takes every number it can dial, Thai or international, which no
# pattern states; so the schema names the format `phone` and describes it, and this
# pattern serves the tests that fuzz with valid numbers.
_D = "[0-9๐-๙]"
_SEP = "[ -]?"
_PHONE_BODY = (
    f"^(?:[0๐]|\\+?[6๖][6๖]{_SEP})"
    f"(?:(?:[89๘๙]{_D}|[6๖][1-6๑-๖]){_SEP}{_D}{{3}}{_SEP}{_D}{{4}}"
    f"|[2๒]{_SEP}{_D}{{3}}{_SEP}{_D}{{4}})"
)
PHONE_PATTERN = f"{_PHONE_BODY}(?: ?(?:ต่อ|ext\\.?) ?{_D}{{1,5}})?$"
# PHONE_PATTERN without an extension: E.164 is "+66" and the digits after the 0 or 66.
_COMMON_PHONE = re.compile(_PHONE_BODY + "\\Z")
_NOT_DIGIT = re.compile("[^0-9]")
Phone = Annotated[
    str,
    AfterValidator(lambda v: parse_phone(check_text(v, 60))),
    WithJsonSchema({"type": "string", "format": "phone", "minLength": 1, "maxLength": 60,
                    "description": "A phone number we can dial, in any common written "
                                   "form: 081-234-5678, 02 123 4567, ๐๘๑…, +66 81 234 5678, "
                                   "… ต่อ 12 (extension); stored as E.164"}),
]


def phone_digits(query: str) -> str | None:
    """If a search looks like a phone number, the digits to look for (local form kept:
    the search column holds both +66… and 0…)."""
    if not re.fullmatch(r"[0-9๐-๙\s\-+().]+", query):
        return None
    digits = re.sub(r"\D", "", query.translate(THAI_DIGITS))
    if len(digits) < 3:
        return None
    return ("+" + digits) if query.lstrip().startswith("+") else digits


def like_escape(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_patterns(q: str | None) -> tuple[str | None, str | None]:
    """A search box's `q` as LIKE patterns on a lower-cased search column: the text, and
    its digits if it looks like a phone number."""
    query = nfc(q) if q else None
    if not query:
        return None, None
    digits = phone_digits(query)
    return f"%{like_escape(query.lower())}%", f"%{like_escape(digits)}%" if digits else None
