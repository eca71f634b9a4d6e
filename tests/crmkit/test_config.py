"""Settings refuse development secrets outside development (unit)."""

import pytest
from pydantic import ValidationError

from crmkit.config import KitSettings

pytestmark = pytest.mark.unit


def test_production_refuses_the_default_context_secret(monkeypatch):
    monkeypatch.setenv("TIDTAM_ENV", "production")
    monkeypatch.delenv("TIDTAM_CONTEXT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="TIDTAM_CONTEXT_SECRET"):
        KitSettings()


def test_production_accepts_a_real_secret(monkeypatch):
    monkeypatch.setenv("TIDTAM_ENV", "production")
    monkeypatch.setenv("TIDTAM_CONTEXT_SECRET", "a-long-random-secret-of-our-own")
    assert KitSettings().context_secret.get_secret_value() == "a-long-random-secret-of-our-own"


def test_development_runs_with_defaults(monkeypatch):
    monkeypatch.setenv("TIDTAM_ENV", "development")
    monkeypatch.delenv("TIDTAM_CONTEXT_SECRET", raising=False)
    assert KitSettings().env == "development"
