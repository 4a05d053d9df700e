"""Password hashing parameters: the suite hashes cheaply (conftest), production must not."""

from __future__ import annotations

from argon2 import Type

from adplane.core import security


def test_production_passwords_use_argon2id_at_its_recommended_cost() -> None:
    hasher = security.password_hasher()
    assert hasher.type is Type.ID
    assert hasher.time_cost >= 3 and hasher.memory_cost >= 64 * 1024
    hashed = hasher.hash("Secret-Passw0rd!")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,")
    assert security.verify_password(hashed, "Secret-Passw0rd!")
    assert not security.verify_password(hashed, "Secret-Passw0rd?")
