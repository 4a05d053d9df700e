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


def test_no_more_argon2_computations_run_at_once_than_there_are_cores(monkeypatch) -> None:
    """A burst of logins waits for a core each instead of hashing 64 MiB on every thread of the pool at once."""
    import threading
    import time

    running, most = 0, 0
    lock = threading.Lock()

    class Counting:
        def _enter(self) -> None:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.02)
            with lock:
                running -= 1

        def verify(self, stored: str, password: str) -> bool:
            self._enter()
            return stored == password

        def hash(self, password: str) -> str:
            self._enter()
            return password

    monkeypatch.setattr(security, "_hasher", Counting())
    threads = [threading.Thread(target=security.verify_password, args=("a", "a")) for _ in range(6)]
    threads += [threading.Thread(target=security.hash_password, args=("b",)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= most <= security.ARGON2_SLOTS
    assert security.verify_password("a", "a") and not security.verify_password("a", "b")
