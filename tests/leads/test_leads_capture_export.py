"""Exports mark a captured lead that did not agree to marketing (unit)."""

import pytest

from tidtam_leads.sheets.service import EXPORT_ONLY, _value

pytestmark = pytest.mark.unit


def test_the_marketing_column():
    assert any(c.key == "marketing" and not c.importable for c in EXPORT_ONLY)
    assert _value({"consent": {"marketing": False}}, "marketing") == "no"
    assert _value({"consent": {"marketing": True}}, "marketing") == "yes"
    assert _value({"consent": None}, "marketing") == ""
