"""Settings shared by every service.

Secrets have development defaults so `make run` works on a fresh machine; outside
`TIDTAM_ENV=development` (and `test`) those defaults are refused at start-up.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEV_CONTEXT_SECRET = "dev-only-context-secret-change-me"
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_PG = "postgresql+asyncpg://{user}@127.0.0.1:5432/{db}"
# The roles services log in as (crmkit.migrate creates them): request handlers and consumers,
# and the outbox relay with housekeeping.
APP_ROLE = "tidtam_app"
RELAY_ROLE = "tidtam_relay"


def as_user(url: str, user: str) -> str:
    """`url` logging in as `user` instead (without the other role's password)."""
    return make_url(url).set(username=user, password=None).render_as_string(
        hide_password=False)


def relay_url(app_url: str, given: str, *, env: str, service: str) -> str:
    """The relay's database URL: `given` if set, else `app_url` as the relay role. An app URL
    with a password is a real deployment, where the relay role has a password of its own:
    then the URL must be given, and its absence fails start-up rather than the first login."""
    if given or not app_url:
        return given
    url = make_url(app_url)
    if url.password is not None and env not in ("development", "test"):
        raise ValueError(f"TIDTAM_{service.upper()}_RELAY_DATABASE_URL must be set: the outbox "
                         f"relay logs in as its own role ({RELAY_ROLE}), with its own password")
    return as_user(app_url, RELAY_ROLE)


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
    def _refuse_default_secrets(self) -> Self:
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

    `database_url` is the application role (RLS applies; it may only INSERT into the outbox);
    `relay_database_url` is the relay role, which publishes and cleans up the outbox (default:
    `database_url` as user `tidtam_relay`, without its password); `migrate_database_url` is
    the owner role that runs migrations.
    """

    service_name: str = "service"
    database_url: str = ""
    migrate_database_url: str = ""
    # The outbox relay's connection (its own role, which may read every tenant's outbox
    # rows); empty: the application's URL as the relay role (`relay_url`).
    relay_database_url: str = ""
    # A fixed pool (no overflow: overflow connections are opened and closed per use).
    db_pool_size: int = 16
    db_max_overflow: int = 0
    outbox_sweep_seconds: float = 2.0
    # Where the outbox relay and the housekeeper run (TIDTAM_RELAY): `process`, a process of
    # their own that crmkit.serve starts beside the server (crmkit.relay), or `inline`, tasks
    # on the app's event loop. crmkit.serve sets it (default `process`); an app run any other
    # way (uvicorn by hand, the tests' in-process apps) keeps `inline`.
    relay: Literal["inline", "process"] = "inline"
    # With `relay` = `process`: the port (0: none) and address on which the relay process
    # serves its own /metrics (they are not in the server's).
    relay_metrics_port: int = Field(0, ge=0, le=65535)
    relay_metrics_host: str = "0.0.0.0"
    consumer_prefetch: int = 32
    # Events a consumer handles at once (different aggregates; one aggregate's in order).
    consumer_concurrency: int = Field(1, ge=1, le=256)  # 1 keeps cross-aggregate order
    # Deliveries handled in one transaction per tenant (crmkit.consumer: batches); 1: each
    # in its own.
    consumer_batch: int = Field(1, ge=1, le=1000)
    consumer_delivery_limit: int = 5
    # Imports and exports (crmkit.sheets): where uploads, error reports and exports are kept
    # (empty: a folder under the system's temporary directory), and the most rows one
    # import takes (said in the 422 of a larger file).
    transfer_dir: str = ""
    import_max_rows: int = Field(200_000, gt=0)

    @model_validator(mode="after")
    def _relay_as_relay_role(self) -> ServiceSettings:
        self.relay_database_url = relay_url(self.database_url, self.relay_database_url,
                                            env=self.env, service=self.service_name)
        return self


_DATABASE_URL_DEFAULTS = {"app": "tidtam_app", "migrate": "postgres", "relay": None}


def service_database(service: str, role: Literal["app", "migrate", "relay"]) -> Any:
    """A service's database URL setting, read from `TIDTAM_<SERVICE>_DATABASE_URL` (the
    application role, RLS applies), `…_MIGRATE_DATABASE_URL` (the owner, for migrations) or
    `…_RELAY_DATABASE_URL` (the outbox relay's own role; empty: the application's URL as
    the relay role), so
    that processes sharing an environment each find their own database."""
    infix = "" if role == "app" else f"{role.upper()}_"
    user = _DATABASE_URL_DEFAULTS[role]
    default = DEFAULT_PG.format(user=user, db=f"tidtam_{service}") if user else ""
    return Field(default=default, validation_alias=AliasChoices(
        f"TIDTAM_{service.upper()}_{infix}DATABASE_URL"))
