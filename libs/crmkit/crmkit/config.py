"""Settings shared by every service.

Secrets have development defaults so `make run` works on a fresh machine; outside
`TIDTAM_ENV=development` (and `test`) those defaults are refused at start-up.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_CONTEXT_SECRET = "dev-only-context-secret-change-me"
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_PG = "postgresql+asyncpg://{user}@127.0.0.1:5432/{db}"


class InsecureDefault(ValueError):
    pass


class KitSettings(BaseSettings):
    """What every Tidtam process reads from `TIDTAM_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="TIDTAM_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    context_secret: SecretStr = SecretStr(DEV_CONTEXT_SECRET)
    amqp_url: str = DEFAULT_AMQP_URL
    log_level: str = "INFO"
    log_json: bool = True
    # Seconds a gateway-signed request context stays valid.
    context_ttl: int = 60
    # Published outbox rows and processed-event records older than this are deleted
    # (crmkit.housekeeping), checked every `housekeeping_seconds`.
    event_retention_days: float = Field(30.0, gt=0)
    housekeeping_seconds: float = Field(3600.0, gt=0)
    # Seconds the HTTP server keeps an idle connection open (crmkit.serve passes it to
    # uvicorn; the gateway's proxy pool must forget idle connections sooner).
    keep_alive_seconds: int = Field(5, gt=0)

    _dev_secrets: tuple[tuple[str, str], ...] = (("context_secret", DEV_CONTEXT_SECRET),)

    @model_validator(mode="after")
    def _refuse_default_secrets(self):
        if self.env in ("development", "test"):
            return self
        for field, default in self._dev_secrets:
            value = getattr(self, field)
            raw = value.get_secret_value() if isinstance(value, SecretStr) else value
            if not raw or raw == default:
                raise InsecureDefault(
                    f"TIDTAM_{field.upper()} must be set to a secret of your own when "
                    f"TIDTAM_ENV={self.env}; the development default is refused"
                )
        return self


class ServiceSettings(KitSettings):
    """A service with its own database.

    `database_url` is the application role (RLS applies); `migrate_database_url` is the
    owner role that runs migrations.
    """

    service_name: str = "service"
    database_url: str = ""
    migrate_database_url: str = ""
    # The outbox relay's connection (its own role, which may read every tenant's outbox
    # rows); empty: the relay uses `database_url`. crmkit.runtime gives it its own engine.
    relay_database_url: str = ""
    # A fixed pool (no overflow: overflow connections are opened and closed per use).
    db_pool_size: int = 16
    db_max_overflow: int = 0
    outbox_sweep_seconds: float = 2.0
    consumer_prefetch: int = 32
    consumer_delivery_limit: int = 5


_DATABASE_URL_DEFAULTS = {"app": "tidtam_app", "migrate": "postgres", "relay": None}


def service_database(service: str, role: Literal["app", "migrate", "relay"]) -> Any:
    """A service's database URL setting, read from `TIDTAM_<SERVICE>_DATABASE_URL` (the
    application role, RLS applies), `…_MIGRATE_DATABASE_URL` (the owner, for migrations) or
    `…_RELAY_DATABASE_URL` (the outbox relay's own role; empty: the application's URL), so
    that processes sharing an environment each find their own database."""
    infix = "" if role == "app" else f"{role.upper()}_"
    user = _DATABASE_URL_DEFAULTS[role]
    default = DEFAULT_PG.format(user=user, db=f"tidtam_{service}") if user else ""
    return Field(default=default, validation_alias=AliasChoices(
        f"TIDTAM_{service.upper()}_{infix}DATABASE_URL"))
