"""Settings of the capture service (`TIDTAM_*`)."""

from __future__ import annotations

import functools

from pydantic import AliasChoices, Field, model_validator

from crmkit.config import ServiceSettings, service_database
from crmkit.sealed import SealingSettings

SERVICE = "capture"


class CaptureSettings(ServiceSettings, SealingSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")
    # Where people open Tidtam: the hosted form's address starts with it, and its origin
    # may always post to a form (the hosted page is served from there).
    public_url: str = Field(default="http://127.0.0.1:8000",
                            validation_alias=AliasChoices("TIDTAM_PUBLIC_URL"))
    # Public form posts: the largest body taken (413 above it), and the rate limits, each a
    # burst and a steady rate per minute: per client address, and per form (all addresses).
    capture_max_body: int = Field(16 * 1024, ge=1024, le=1024 * 1024)
    capture_address_burst: int = Field(10, ge=1)
    capture_address_per_minute: float = Field(10.0, gt=0)
    capture_form_burst: int = Field(1000, ge=1)
    capture_form_per_minute: float = Field(36000.0, gt=0)
    # Facebook Lead Ads: where the Graph API is (tests point it at a fake), and how long
    # one lead fetch may take (a failed fetch is retried by the broker's redelivery).
    facebook_graph_url: str = "https://graph.facebook.com/v21.0"
    facebook_graph_timeout: float = Field(10.0, gt=0, le=60)
    # LINE: where the Messaging API is (tests point it at a fake) for the person's profile,
    # and how long one profile fetch may take (past it, the lead is made without the name).
    line_api_url: str = "https://api.line.me"
    line_api_timeout: float = Field(5.0, gt=0, le=60)
    # Email-to-lead: the domain of the tenants' inbound addresses (routed at the provider).
    capture_inbound_domain: str = "inbound.tidtam.example"
    # The SMTP receiver (mail/smtp.py): off unless a port is set; one process only (give the
    # other replicas none). The largest message taken (552 above it).
    capture_smtp_port: int = Field(0, ge=0, le=65535)
    capture_smtp_host: str = "127.0.0.1"
    capture_smtp_max_bytes: int = Field(256 * 1024, ge=10 * 1024, le=25 * 1024 * 1024)
    # Messages per client address (a burst, then a rate per minute): mail comes through a
    # few big providers' relays, so far more than a form's per-address limit.
    capture_smtp_client_burst: int = Field(100, ge=1)
    capture_smtp_client_per_minute: float = Field(600.0, gt=0)
    # STARTTLS on the receiver: a PEM certificate (chain) and its private key, both or
    # neither; with them EHLO offers STARTTLS. `…_REQUIRE_TLS` then refuses every command
    # but EHLO/HELO/NOOP/QUIT/STARTTLS before it (530): off by default, as an MX must take
    # mail from servers that send in clear (RFC 3207 s. 4).
    capture_smtp_tls_cert: str = ""
    capture_smtp_tls_key: str = ""
    capture_smtp_require_tls: bool = False

    @model_validator(mode="after")
    def _tls_pair(self) -> CaptureSettings:
        if bool(self.capture_smtp_tls_cert) != bool(self.capture_smtp_tls_key):
            raise ValueError("TIDTAM_CAPTURE_SMTP_TLS_CERT and TIDTAM_CAPTURE_SMTP_TLS_KEY "
                             "go together: set both, or neither")
        if self.capture_smtp_require_tls and not self.capture_smtp_tls_cert:
            raise ValueError("TIDTAM_CAPTURE_SMTP_REQUIRE_TLS needs a certificate "
                             "(TIDTAM_CAPTURE_SMTP_TLS_CERT and …_KEY)")
        return self


@functools.cache
def settings() -> CaptureSettings:
    return CaptureSettings()
