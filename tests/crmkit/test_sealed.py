"""crmkit.sealed: secrets sealed at rest under a rotating keyring (unit)."""

import pytest
from pydantic import ValidationError

from crmkit.sealed import DEV_SECRET_KEYS, Keyring, SealingSettings, Unsealable

pytestmark = pytest.mark.unit


def test_seal_and_unseal_round_trip_without_the_plaintext_in_the_stored_text():
    ring = Keyring([Keyring.generate_key()])
    sealed = ring.seal("line-channel-secret-ลับ")
    assert sealed.startswith("fernet:")
    assert "line-channel-secret" not in sealed
    assert ring.unseal(sealed) == "line-channel-secret-ลับ"
    assert ring.seal("same") != ring.seal("same")  # a fresh IV every time


def test_rotation_new_key_first_old_values_still_open_and_reseal_moves_them():
    old, new = Keyring.generate_key(), Keyring.generate_key()
    stored = Keyring([old]).seal("s3cret")
    rotated = Keyring.parse(f"{new}, {old}")
    assert rotated.unseal(stored) == "s3cret"
    moved = rotated.reseal(stored)
    assert Keyring([new]).unseal(moved) == "s3cret"  # the old key can now be dropped
    with pytest.raises(Unsealable):
        Keyring([new]).unseal(stored)


def test_tampered_or_foreign_values_are_refused():
    ring = Keyring([Keyring.generate_key()])
    sealed = ring.seal("x")
    flipped = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]
    for bad in (flipped, "plain text", Keyring([Keyring.generate_key()]).seal("x")):
        with pytest.raises(Unsealable):
            ring.unseal(bad)


def test_a_key_that_is_not_a_fernet_key_is_refused():
    with pytest.raises(ValueError, match="32 url-safe base64"):
        Keyring.parse("not-a-key")
    with pytest.raises(ValueError, match="at least one key"):
        Keyring.parse(" , ")


def test_production_without_keys_fails_start_up(monkeypatch):
    monkeypatch.setenv("TIDTAM_ENV", "production")
    monkeypatch.setenv("TIDTAM_CONTEXT_SECRET", "a-long-random-secret-of-our-own")
    monkeypatch.delenv("TIDTAM_SECRET_KEYS", raising=False)
    with pytest.raises(ValidationError, match="TIDTAM_SECRET_KEYS"):
        SealingSettings()
    monkeypatch.setenv("TIDTAM_SECRET_KEYS", DEV_SECRET_KEYS)
    with pytest.raises(ValidationError, match="development key is refused"):
        SealingSettings()
    key = Keyring.generate_key()
    monkeypatch.setenv("TIDTAM_SECRET_KEYS", key)
    assert Keyring([key]).unseal(SealingSettings().keyring.seal("ok")) == "ok"


def test_development_runs_with_the_development_key(monkeypatch):
    monkeypatch.setenv("TIDTAM_ENV", "development")
    monkeypatch.delenv("TIDTAM_SECRET_KEYS", raising=False)
    ring = SealingSettings().keyring
    assert Keyring([DEV_SECRET_KEYS]).unseal(ring.seal("dev")) == "dev"
