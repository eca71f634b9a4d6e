"""Thai-aware company names for duplicate checks: the name without its legal-form affixes
(บริษัท … จำกัด (มหาชน), ห้างหุ้นส่วนจำกัด, หจก., บจก., Co., Ltd., …), spaces, punctuation
and case, so "บริษัท ไทยรุ่งเรือง จำกัด" and "ไทยรุ่งเรือง" meet."""

from __future__ import annotations

import re
import unicodedata

# Longest first, so "ห้างหุ้นส่วนจำกัด" goes before "ห้างหุ้นส่วน" and "จำกัด".
_AFFIXES = sorted([
    "บริษัทมหาชนจำกัด", "ห้างหุ้นส่วนจำกัด", "ห้างหุ้นส่วนสามัญนิติบุคคล",
    "ห้างหุ้นส่วนสามัญ", "ห้างหุ้นส่วน", "บริษัท", "จำกัด", "(มหาชน)", "มหาชน",
    "บมจ.", "บจก.", "หจก.", "หสน.", "หสม.",
    "public company limited", "company limited", "co., ltd.", "co.,ltd.", "co. ltd.",
    "co.ltd.", "co ltd", "company", "limited", "ltd.", "ltd", "co.", "inc.", "inc",
    "corporation", "corp.", "corp", "(public)", "pcl.", "pcl", "plc.", "plc", "llc",
], key=len, reverse=True)
# Latin affixes only as whole words ("inc" must not bite "princess"); Thai is written
# without spaces between words, so Thai affixes match anywhere.
_AFFIX_RE = re.compile("|".join(
    re.escape(a) if not a[0].isascii() else rf"(?<![a-z0-9]){re.escape(a)}(?![a-z0-9])"
    for a in _AFFIXES))


def name_key(name: str) -> str:
    """The comparable core of a name; the name itself (lower-cased, no spaces) if nothing
    is left once the affixes go ("บริษัท จำกัด" stays itself)."""
    text = unicodedata.normalize("NFC", name).lower()
    core = _strip_noise(_AFFIX_RE.sub(" ", text))
    return core or _strip_noise(text)


def _strip_noise(text: str) -> str:
    """Without spaces, punctuation and symbols; Thai vowel and tone marks (Mn) stay."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")
