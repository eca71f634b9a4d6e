"""Exports mark a captured lead that did not agree to marketing (unit)."""

import pytest

from tidtam_leads.sheets.service import EXPORT_ONLY, _getter

pytestmark = pytest.mark.unit


def test_the_marketing_column() -> None:
    assert any(c.key == "marketing" and not c.importable for c in EXPORT_ONLY)
    marketing = _getter("marketing")
    assert marketing({"consent": {"marketing": False}}) == "no"
    assert marketing({"consent": {"marketing": True}}) == "yes"
    assert marketing({"consent": None}) == ""
