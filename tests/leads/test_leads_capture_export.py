"""Exports mark a lead that may not be marketed to: declined when captured, or withdrawn
later (unit)."""

import pytest

from tidtam_leads.sheets.service import EXPORT_ONLY, _getter

pytestmark = pytest.mark.unit

REVOKED = {"action": "revoked", "scope": "marketing", "marketing": False, "channel": "phone",
           "at": "2026-12-07T10:00:00+00:00", "note": None, "by_user_id": "x"}


def test_the_marketing_column() -> None:
    assert any(c.key == "marketing" and not c.importable for c in EXPORT_ONLY)
    marketing = _getter("marketing")
    assert marketing({"consent": {"marketing": False}, "consent_change": None}) == "no"
    assert marketing({"consent": {"marketing": True}, "consent_change": None}) == "yes"
    assert marketing({"consent": None, "consent_change": None}) == ""
    assert marketing({"consent": {"marketing": True}, "consent_change": REVOKED}) == "no"
    granted = {**REVOKED, "action": "granted", "scope": "all", "marketing": True}
    assert marketing({"consent": None, "consent_change": granted}) == "yes"


def test_the_consent_change_column() -> None:
    assert any(c.key == "consent_change" and not c.importable for c in EXPORT_ONLY)
    change = _getter("consent_change")
    assert change({"consent_change": None}) == ""
    assert change({"consent_change": REVOKED}) == \
        "revoked marketing 2026-12-07T10:00:00+00:00 (phone)"
