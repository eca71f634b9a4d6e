"""Every table of the gateway database, for Alembic's `target_metadata`."""

from crmkit.schema import idempotency_table, kit_tables

from .apikeys.models import ApiKey
from .auth.models import LoginThrottle
from .db import Base
from .privacy.models import PrivacyAnswer, PrivacyRequest
from .settings.models import TenantSettings
from .teams.models import Team
from .tenants.models import Tenant
from .users.models import User

metadata = Base.metadata
outbox, processed_events = kit_tables(metadata)
idempotency_keys = idempotency_table(metadata)

__all__ = ["ApiKey", "LoginThrottle", "PrivacyAnswer", "PrivacyRequest", "Team", "Tenant",
           "TenantSettings", "User", "metadata"]
