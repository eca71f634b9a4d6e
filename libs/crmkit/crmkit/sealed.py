"""Encryption at rest for secrets the system must use again (a channel's signing secret, an
access token): sealed with Fernet (AES-128-CBC + HMAC-SHA256, a timestamp, authenticated),
under a keyring read from `TIDTAM_SECRET_KEYS`.

The keyring is a comma-separated list of Fernet keys (`Keyring.generate_key()`), newest
first: the first seals, every one unseals. Rotation: put a new key in front, restart, then
`reseal` what is stored (or let it be resealed as it is saved again), then drop the old key.

Outside `TIDTAM_ENV=development`/`test` the keyring must be given: a missing or
development keyring fails start-up (`keyring_setting`). `make run` generates one into
`.run/secret_keys`; without it, development uses a fixed key (as it does for the other
development secrets), which production refuses.

A sealed value is text (`fernet:` + the token), so it fits a text column; a stored value
that does not unseal under any key is `Unsealable`, never returned as if it were the
secret."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Self

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import AliasChoices, Field, PrivateAttr, SecretStr, model_validator

from .config import InsecureDefault, KitSettings

PREFIX = "fernet:"
# The development keyring when TIDTAM_SECRET_KEYS is not set: derived from a public phrase,
# so refused outside development and test.
DEV_SECRET_KEYS = base64.urlsafe_b64encode(
    hashlib.sha256(b"tidtam development secret keys: never in production").digest()).decode()


class Unsealable(ValueError):
    """A stored value that no key of the keyring opens (a key dropped too soon, or
    tampering)."""


def _keys(text: str) -> list[str]:
    return [k.strip() for k in text.split(",") if k.strip()]


class Keyring:
    """Seals with its first key; unseals with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key (TIDTAM_SECRET_KEYS)")
        try:
            self._fernets = [Fernet(k.encode()) for k in keys]
        except ValueError as exc:
            raise ValueError("TIDTAM_SECRET_KEYS: every key must be 32 url-safe base64 bytes "
                             "(make one with crmkit.sealed.Keyring.generate_key())") from exc
        self._multi = MultiFernet(self._fernets)

    @classmethod
    def parse(cls, text: str) -> Keyring:
        return cls(_keys(text))

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def seal(self, plaintext: str) -> str:
        return PREFIX + self._multi.encrypt(plaintext.encode()).decode()

    def unseal(self, sealed: str) -> str:
        if not sealed.startswith(PREFIX):
            raise Unsealable("not a sealed value")
        try:
            return self._multi.decrypt(sealed[len(PREFIX):].encode()).decode()
        except InvalidToken:
            raise Unsealable("no key of TIDTAM_SECRET_KEYS opens this value") from None

    def reseal(self, sealed: str) -> str:
        """`sealed` under the first key (rotation); unchanged secret."""
        if not sealed.startswith(PREFIX):
            raise Unsealable("not a sealed value")
        try:
            return PREFIX + self._multi.rotate(sealed[len(PREFIX):].encode()).decode()
        except InvalidToken:
            raise Unsealable("no key of TIDTAM_SECRET_KEYS opens this value") from None


def keyring_setting(text: str, *, env: str) -> Keyring:
    """The keyring from the setting's text, as start-up checks it: outside development and
    test a missing or development keyring is InsecureDefault (start-up fails)."""
    keys = _keys(text)
    if env not in ("development", "test"):
        if not keys or DEV_SECRET_KEYS in keys:
            raise InsecureDefault(
                f"TIDTAM_SECRET_KEYS must be set to keys of your own when TIDTAM_ENV={env} "
                "(comma-separated Fernet keys, newest first); the development key is refused")
    return Keyring(keys or [DEV_SECRET_KEYS])


class SealingSettings(KitSettings):
    """A process that seals secrets: `TIDTAM_SECRET_KEYS`, checked when the settings are
    read (a service's settings class adds it to its bases: `class X(ServiceSettings,
    SealingSettings)`)."""

    secret_keys: SecretStr = Field(default=SecretStr(""),
                                   validation_alias=AliasChoices("TIDTAM_SECRET_KEYS"))
    _keyring: Keyring | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_keyring(self) -> Self:
        self._keyring = keyring_setting(self.secret_keys.get_secret_value(), env=self.env)
        return self

    @property
    def keyring(self) -> Keyring:
        assert self._keyring is not None
        return self._keyring
