"""Gateway settings (`TIDTAM_*`). Default secrets are refused outside development/test."""

from __future__ import annotations

import ipaddress
import secrets
from typing import Annotated, Literal, Self, get_args

from pydantic import (
    Field,
    NonNegativeInt,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import NoDecode

from crmkit.config import (
    DEV_CONTEXT_SECRET,
    DEV_JWT_SECRET,
    InsecureDefault,
    ServiceSettings,
    service_database,
)

Plan = Literal["free", "pro", "enterprise"]
PLANS: tuple[str, ...] = get_args(Plan)
DEFAULT_CONTACT_LIMITS: dict[Plan, int | None] = {"free": 500, "pro": 20000, "enterprise": None}


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    # Seconds an access token is valid; deactivation still takes effect at once because
    # every request checks the user is active.
    jwt_ttl: int = 3600
    operator_token: SecretStr | None = None
    database_url: str = service_database("gateway", "app")
    migrate_database_url: str = service_database("gateway", "migrate")
    relay_database_url: str = service_database("gateway", "relay")
    # No overflow: SQLAlchemy closes overflow connections after each use, and reconnecting
    # under load cost 3-4x the throughput here; requests queue for a pooled one instead.
    db_pool_size: int = 10
    db_max_overflow: int = 0
    auth_pool_size: int = 10
    leads_url: str = "http://127.0.0.1:8001"
    accounts_url: str = "http://127.0.0.1:8002"
    notifications_url: str = "http://127.0.0.1:8003"
    activities_url: str = "http://127.0.0.1:8004"
    documents_url: str = "http://127.0.0.1:8005"
    capture_url: str = "http://127.0.0.1:8006"
    insights_url: str = "http://127.0.0.1:8007"
    # Contacts a tenant may keep per plan (null: no limit), as JSON in
    # TIDTAM_PLAN_CONTACT_LIMITS; a plan left out keeps its default.
    plan_contact_limits: dict[Plan, NonNegativeInt | None] = dict(DEFAULT_CONTACT_LIMITS)
    default_plan: Plan = "free"
    proxy_connect_timeout: float = 3.0
    proxy_timeout: float = 30.0
    proxy_max_connections: int = 200
    # Seconds the proxy keeps an idle connection to a service for reuse: below the
    # services' TIDTAM_KEEP_ALIVE_SECONDS, or the service may close one as a request goes
    # down it (proxy/service.py).
    proxy_idle_seconds: float = Field(2.0, gt=0)
    # Login throttle (auth/throttle.py): attempts that did not log in, per email and per
    # client address, within a window that starts at the first of them.
    login_max_failures: PositiveInt = 5
    login_max_failures_per_ip: PositiveInt = 50
    login_window_seconds: PositiveInt = 900
    # Peers (reverse proxies) whose X-Forwarded-For names the client, comma-separated IPs.
    trusted_proxies: Annotated[frozenset[str], NoDecode] = frozenset()

    _dev_secrets: tuple[tuple[str, str], ...] = (
        ("context_secret", DEV_CONTEXT_SECRET),
        ("jwt_secret", DEV_JWT_SECRET),
    )

    @field_validator("plan_contact_limits", mode="after")
    @classmethod
    def _every_plan(cls, value: dict[Plan, int | None]) -> dict[Plan, int | None]:
        return {**DEFAULT_CONTACT_LIMITS, **value}

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_ips(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if isinstance(value, (list, tuple, set, frozenset)):
            try:
                return frozenset(str(ipaddress.ip_address(str(v).strip())) for v in value)
            except ValueError as exc:
                raise ValueError(f"TIDTAM_TRUSTED_PROXIES: {exc}; list IP addresses "
                                 "separated by commas") from None
        return value

    def contact_limit(self, plan: Plan) -> int | None:
        return self.plan_contact_limits[plan]

    @model_validator(mode="after")
    def _idle_below_keep_alive(self) -> Self:
        if self.proxy_idle_seconds >= self.keep_alive_seconds:
            raise ValueError(
                f"TIDTAM_PROXY_IDLE_SECONDS ({self.proxy_idle_seconds}) must be below "
                f"TIDTAM_KEEP_ALIVE_SECONDS ({self.keep_alive_seconds}), the services' "
                "keep-alive: a connection kept longer may be closed as a request goes down it")
        return self

    @model_validator(mode="after")
    def _operator_token(self) -> Self:
        token = self.operator_token.get_secret_value() if self.operator_token else ""
        if token:
            return self
        if self.env == "production":
            raise InsecureDefault("TIDTAM_OPERATOR_TOKEN must be set when TIDTAM_ENV=production")
        # Development/test: a fresh one per process; the lifespan prints it.
        self.operator_token = SecretStr(secrets.token_urlsafe(32))
        self._generated_operator_token = True
        return self

    _generated_operator_token: bool = False

    @property
    def operator_token_generated(self) -> bool:
        return self._generated_operator_token
