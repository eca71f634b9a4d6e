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


SERVICES = [("tidtam_leads.config", "LeadsSettings", "LEADS"),
            ("tidtam_accounts.config", "AccountsSettings", "ACCOUNTS"),
            ("tidtam_gateway.config", "GatewaySettings", "GATEWAY")]


def _settings(module: str, name: str) -> type:
    return getattr(pytest.importorskip(module), name)


@pytest.mark.parametrize("module,name,prefix", SERVICES)
def test_the_relay_logs_in_as_its_own_role(monkeypatch, module, name, prefix):
    monkeypatch.setenv("TIDTAM_ENV", "development")
    monkeypatch.setenv(f"TIDTAM_{prefix}_DATABASE_URL",
                       "postgresql+asyncpg://tidtam_app@db.internal:5432/tidtam_x")
    monkeypatch.delenv(f"TIDTAM_{prefix}_RELAY_DATABASE_URL", raising=False)
    assert _settings(module, name)().relay_database_url == \
        "postgresql+asyncpg://tidtam_relay@db.internal:5432/tidtam_x"
    given = "postgresql+asyncpg://relay2:pw@db.internal:5432/tidtam_x"
    monkeypatch.setenv(f"TIDTAM_{prefix}_RELAY_DATABASE_URL", given)
    assert _settings(module, name)().relay_database_url == given


@pytest.mark.parametrize("module,name,prefix", SERVICES)
def test_production_wants_the_relay_url_when_the_app_url_has_a_password(monkeypatch, module,
                                                                        name, prefix):
    # Otherwise the relay would log in as tidtam_relay with no password, and fail only then.
    for var, value in {"TIDTAM_ENV": "production", "TIDTAM_CONTEXT_SECRET": "x" * 32,
                       "TIDTAM_JWT_SECRET": "y" * 32, "TIDTAM_OPERATOR_TOKEN": "z" * 32,
                       f"TIDTAM_{prefix}_DATABASE_URL":
                           "postgresql+asyncpg://tidtam_app:secret@db:5432/tidtam_x"}.items():
        monkeypatch.setenv(var, value)
    monkeypatch.delenv(f"TIDTAM_{prefix}_RELAY_DATABASE_URL", raising=False)
    with pytest.raises(ValidationError, match=f"TIDTAM_{prefix}_RELAY_DATABASE_URL"):
        _settings(module, name)()
