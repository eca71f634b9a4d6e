"""The shortcuts the phone and email checks take for their common forms (a bulk import
validates 100,000 of them) give exactly what the libraries give: E.164 from phonenumbers,
the normal form from email_validator, and the same refusals."""

from __future__ import annotations

import random

import email_validator
import phonenumbers
import pytest
from pydantic import TypeAdapter, ValidationError

from crmkit.fields import Email
from crmkit.text import _COMMON_PHONE, Phone

pytestmark = pytest.mark.unit

PHONE = TypeAdapter(Phone)
EMAIL = TypeAdapter(Email)
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _library_phone(raw: str) -> str:
    number = phonenumbers.parse(raw.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")),
                                "TH")
    assert phonenumbers.is_valid_number(number), raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _forms(rng: random.Random) -> str:
    first = rng.choice(["8" + rng.choice("0123456789"), "9" + rng.choice("0123456789"),
                        "6" + rng.choice("123456"), "2"])
    rest = "".join(rng.choice("0123456789") for _ in range(7))
    national = first + rest
    sep = rng.choice(["", " ", "-"])
    body = f"{national[:len(first)]}{sep}{national[len(first):len(first) + 3]}{sep}" \
           f"{national[len(first) + 3:]}"
    prefix = rng.choice(["0", "66", "+66", "+66 ", "66-"])
    raw = prefix + body
    return raw.translate(THAI) if rng.random() < 0.2 else raw


def test_common_thai_phones_are_what_phonenumbers_says() -> None:
    rng = random.Random(15)
    for _ in range(3000):
        raw = _forms(rng)
        assert _COMMON_PHONE.match(raw), raw
        assert PHONE.validate_python(raw) == _library_phone(raw), raw


@pytest.mark.parametrize("raw", ["081-234-5678 ต่อ 12", "+1 212 555 0100", "0812345678 ext 3",
                                 "053 123 456", "12", "0612345678x"])
def test_other_phones_still_go_through_phonenumbers(raw: str) -> None:
    assert not _COMMON_PHONE.match(raw)
    try:
        got = PHONE.validate_python(raw)
    except ValidationError:
        with pytest.raises((phonenumbers.NumberParseException, AssertionError)):
            _library_phone(raw)
        return
    assert got.split(";")[0] == _library_phone(raw.split(" ต่อ")[0].split(" ext")[0])


@pytest.mark.parametrize("raw", [
    "somchai@example.co.th", "Somchai.J+crm@Example.CO.TH", "a@b.test", "x_y-z@sub.domain.io",
    "o'neil@example.com", "first.last@xn--72c1a1bt4awk9o.xn--o3cw4h", "user@ตัวอย่าง.ไทย",
    "สมชาย@ตัวอย่าง.ไทย", "a..b@example.com", ".a@example.com", "a.@example.com",
    "a@-example.com", "a@example", "a@localhost", "a@@example.com", "a@example..com",
    "a" * 64 + "@example.com", "a" * 65 + "@example.com", "a@" + "b" * 64 + ".com",
    "a@" + ".".join(["b" * 60] * 4) + ".com", '"quoted"@example.com', "a b@example.com"])
def test_emails_normalise_as_email_validator_does(raw: str) -> None:
    try:
        want = email_validator.validate_email(raw, check_deliverability=False,
                                              test_environment=True).normalized
        want_ok = len(raw) <= 254
    except email_validator.EmailNotValidError:
        want, want_ok = None, False
    try:
        got = EMAIL.validate_python(raw)
    except ValidationError:
        got = None
    assert (got if want_ok else None) == (want if want_ok else None), raw
    assert (got is not None) == want_ok, raw
