"""Input normalisation for Thai users: NFC text, phones to E.164, lengths users can see.

NFC, never NFKC: NFKC splits SARA AM (U+0E33) into two code points and breaks search.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Thai users write an extension as "ต่อ 12"; the parser only knows "ext.".
_EXT_WORD = re.compile(r"\s*ต่อ\s*")
EXT_SEP = ";ext="


def nfc(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def visible_length(text: str) -> int:
    """Characters a user sees: Thai vowel and tone marks (combining) do not count, so a
    200-character Thai name is not refused for its marks."""
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))


def _length(min_len: int, max_len: int):
    def check(text: str) -> str:
        # A cheap raw cap first, so a 10 MB string is refused without walking it twice.
        if len(text) > max_len * 4 or visible_length(text) > max_len:
            raise PydanticCustomError("string_too_long", "is too long: at most {max_length} "
                                      "characters", {"max_length": max_len})
        if len(text) < min_len:
            raise PydanticCustomError("string_too_short", "must not be blank"
                                      if min_len == 1 else "is too short", {"min_length": min_len})
        return text

    return AfterValidator(check)


def text(max_len: int, min_len: int = 1):
    """An NFC-normalised, trimmed string of at most `max_len` visible characters."""
    return Annotated[str, BeforeValidator(nfc), _length(min_len, max_len)]


def parse_phone(raw: str) -> str:
    """A Thai (or international) phone in any common written form → E.164, with
    `;ext=NN` appended when an extension was given."""
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


Phone = Annotated[str, BeforeValidator(nfc), _length(1, 60), AfterValidator(parse_phone)]


def split_phone(value: str) -> tuple[str, str | None]:
    e164, _, ext = value.partition(EXT_SEP)
    return e164, ext or None


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
