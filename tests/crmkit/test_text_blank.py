"""A text the schema calls blank is one the server calls blank, and the reverse: the schema's
`pattern` (JSON Schema's `\\s`, ECMA-262) and the server's trimming (Python's str.strip) know
different white space, and a schema-driven fuzzer finds every gap (unit)."""

from __future__ import annotations

import re

import pytest
from pydantic_core import PydanticCustomError

from crmkit.text import NOT_BLANK, check_text

pytestmark = pytest.mark.unit

# Every character either side counts as white space, some that neither does, and Thai.
CHARS = [chr(c) for c in range(1, 0x3001) if chr(c).isspace() or c < 0x100] + [
    "\ufeff", "\u200b", "\u0e01", "\u0e31"]


def _server_accepts(value: str) -> bool:
    try:
        check_text(value, 100)
    except PydanticCustomError:
        return False
    return True


@pytest.mark.parametrize("char", CHARS, ids=lambda c: f"U+{ord(c):04X}")
def test_schema_and_server_agree_on_blank(char):
    for value in (char, f" {char}\t", f"{char}{char}"):
        assert bool(re.search(NOT_BLANK, value)) == _server_accepts(value), repr(value)
