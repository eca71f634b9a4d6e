"""Standard Webhooks signatures: `webhook-id` (the event id), `webhook-timestamp` (Unix
seconds) and `webhook-signature`, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with
the endpoint's secret, and during the 24 hours after a rotation also with the previous
secret, space-separated (`v1,<new> v1,<old>`): receivers accept either."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """`whsec_` + base64 of 32 random bytes (the key is the decoded bytes)."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def headers(secrets_: list[str], *, msg_id: str, timestamp: int,
            body: bytes) -> dict[str, str]:
    """The three headers, signed with each of `secrets_` (the current one first)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(signature(s, msg_id=msg_id, timestamp=timestamp,
                                                    body=body) for s in secrets_)}
